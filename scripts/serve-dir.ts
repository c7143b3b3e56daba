import { createReadStream, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join, normalize } from "node:path";

/** A static file server on 127.0.0.1 for a local mirror directory (quick start and benchmarks). */
export async function serveDir(root: string): Promise<{ origin: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
    const file = join(root, path);
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const st = statSync(file);
      if (!st.isFile()) throw new Error("not a file");
      res.writeHead(200, { "content-length": st.size, "content-type": file.endsWith(".json") ? "application/json" : "application/octet-stream" });
      createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404).end("not found\n");
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  if (!addr || typeof addr === "string") throw new Error("no address");
  return { origin: `http://127.0.0.1:${addr.port}`, server };
}
