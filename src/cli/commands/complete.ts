import { candidates, type CandidateKind } from "../../app/completion/candidates.js";
import { logicalCwd } from "../../app/context.js";
import { DYNAMIC_KINDS } from "../completion/value-kinds.js";

/**
 * `devenv __complete <kind> [word]`, called by the completion scripts at each Tab: one candidate a
 * line, `name<TAB>description`. It never fails loudly: a Tab that finds nothing offers nothing.
 */
export default async function complete(kind: string, word: string | undefined): Promise<number> {
  if (!(DYNAMIC_KINDS as readonly string[]).includes(kind)) return 2;
  let found;
  try {
    found = await candidates({ cwd: logicalCwd(process.env), env: process.env }, kind as CandidateKind, word ?? "");
  } catch {
    return 1;
  }
  const clean = (s: string) => s.replace(/[\t\r\n]+/g, " ");
  const short = (s: string) => (s.length > 80 ? `${s.slice(0, 79)}…` : s);
  process.stdout.write(found.map((c) => `${clean(c.name)}\t${short(clean(c.description))}\n`).join(""));
  return 0;
}
