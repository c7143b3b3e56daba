declare module "lzma-native" {
  import type { Transform } from "node:stream";
  const lzma: {
    createDecompressor(opts?: Record<string, unknown>): Transform;
    createCompressor(opts?: Record<string, unknown>): Transform;
  };
  export default lzma;
}
