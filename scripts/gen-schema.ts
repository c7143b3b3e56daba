import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { configJsonSchema } from "../src/config/schema.js";

export const schemaText = () => JSON.stringify(configJsonSchema(), null, 2) + "\n";

const out = fileURLToPath(new URL("../../devenv.schema.json", import.meta.url));
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(out, schemaText());
  console.log(`wrote ${out}`);
}
