import type { Http } from "../../platform/http.js";
import { ChecksumDocError, CHECKSUM_DOC_MAX_BYTES } from "./aqua/checksum-doc.js";

/**
 * A checksum document's text, read to at most CHECKSUM_DOC_MAX_BYTES: a server announcing or
 * sending more is refused before the rest is read (a checksum list is never megabytes).
 */
export async function fetchChecksumDoc(http: Http, url: string): Promise<string> {
  const res = await http.get(url);
  const tooBig = () => new ChecksumDocError(url, `larger than the ${CHECKSUM_DOC_MAX_BYTES} bytes a checksum document may have`);
  if (res.size !== undefined && res.size > CHECKSUM_DOC_MAX_BYTES) {
    res.body.destroy();
    throw tooBig();
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > CHECKSUM_DOC_MAX_BYTES) {
      res.body.destroy();
      throw tooBig();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}
