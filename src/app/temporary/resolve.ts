/**
 * The tools named on the command line (`devenv x node@20 …`, `devenv shell -p …`) as devenv.ts would
 * ask for them, locked in memory by the same resolver, recipes and catalogue as `devenv add` (and the
 * same checks as a devenv.lock's entries), with the resolution cache of resolved.ts. Nothing is
 * written into any project.
 */
import type { ProjectConfig } from "../../config/normalise.js";
import { DevenvError } from "../../errors.js";
import { emptyLock } from "../../lock/format.js";
import type { AppContext } from "../context.js";
import { argRequest, type ToolArg } from "../project/edit.js";
import { projectTools, type ProjectTool } from "../project/install.js";
import { lockProject } from "../project/lock.js";
import { readResolved, writeResolved } from "./resolved.js";

/** `near`: the project here, if any (its catalogue registries and checksum strictness apply). */
export async function resolveTemporary(ctx: AppContext, args: readonly ToolArg[], near: ProjectConfig | undefined): Promise<{ project: ProjectConfig; tools: ProjectTool[] }> {
  if (!args.length) {
    throw new DevenvError("USAGE", "no tool named", { hint: "Name one or more before the command: devenv x node@20 -- node -v (or devenv shell -p node@20)." });
  }
  const twice = args.map((a) => a.name).filter((n, i, all) => all.indexOf(n) !== i);
  if (twice.length) {
    throw new DevenvError("USAGE", `${twice[0]} is named twice`, { hint: "Name each tool once, with the range you want." });
  }
  const project: ProjectConfig = {
    root: near?.root ?? ctx.cwd,
    file: "the command line",
    tools: args.map((a) => argRequest(a, near?.aquaRegistries)),
    env: {},
    platforms: [],
    autoInstall: true,
    inputs: [],
    ...(near?.strictChecksums ? { strictChecksums: true } : {}),
  };
  const cached = emptyLock();
  for (const req of project.tools) {
    const entry = await readResolved(ctx, req);
    if (entry) cached.tools[req.name] = entry;
  }
  let lock;
  try {
    ({ lock } = await lockProject(ctx, project, cached));
  } catch (e) {
    if (!(e instanceof DevenvError) || e.code !== "OFFLINE") throw e;
    const names = args.map((a) => `${a.name}${a.range ? `@${a.range}` : ""}`).join(" ");
    throw new DevenvError("OFFLINE", `offline: ${names} was not resolved on this machine before (${e.message})`, {
      hint: `Run it once online: devenv then keeps what it resolved in its cache dir, and offline runs use that.`,
    });
  }
  for (const req of project.tools) if (lock.tools[req.name] !== cached.tools[req.name]) await writeResolved(ctx, req, lock.tools[req.name]!);
  return { project, tools: await projectTools(ctx, project, lock) };
}
