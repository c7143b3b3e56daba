import type { Command } from "commander";
import { createContext } from "../../app/context.js";
import { projectStatus, type StatusReport } from "../../app/activation/index.js";
import { realpathSync } from "node:fs";
import { resolve } from "node:path";
import { readProjectStatus } from "../../services/project-status.js";
import { servicePaths } from "../../services/paths.js";
import { showPath } from "../../text.js";

const realpathOr = (p: string) => {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
};
import { printText } from "../output.js";

const RC: Record<string, string> = {
  bash: `eval "$(devenv hook bash)"   # in ~/.bashrc`,
  zsh: `eval "$(devenv hook zsh)"    # in ~/.zshrc`,
  fish: `devenv hook fish | source   # in ~/.config/fish/config.fish`,
};

/** A value on one line of a terminal: control characters escaped, cut at `max` characters. */
const short = (v: string, max = 60) => {
  const s = showPath(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
};

function problems(report: StatusReport, installed: boolean): string[] {
  const out: string[] = [];
  for (const p of report.projects) {
    const at = (msg: string) => (msg.includes(p.root) ? msg : `${showPath(p.root)}: ${msg}`);
    const active = report.active.some((a) => a.root === p.root);
    const kept = active ? " (this shell keeps the environment shown above)" : "";
    if (p.configError) out.push(`config error: ${at(p.configError)}${kept}`);
    if (active && p.trust === "changed") out.push(`not allowed: ${showPath(p.root)}: devenv.ts changed since it was allowed${kept}; run 'devenv allow'`);
    if (p.failure) out.push(`failed${p.failedTools ? ` to install ${p.failedTools.join(", ")}` : ""}: ${at(p.failure)}`);
    if (p.pending.length) {
      const how = installed ? "run 'devenv install' (or the next prompt in it installs them)" : "run 'devenv install'";
      out.push(`not installed: ${showPath(p.root)}: ${p.pending.join(", ")}; ${how}`);
    }
  }
  return out;
}

/**
 * Exits 1 when a project here or active in this shell has a config error or a failed install (the
 * report says which); tools not installed yet and a devenv.ts not allowed are shown but exit 0.
 */
export default async function status(opts: { json?: boolean }, _cmd: Command): Promise<number> {
  const ctx = createContext();
  const report = await projectStatus(ctx, process.ppid);
  const code = report.ok ? 0 : 1;
  const services = report.projects.flatMap((p) => {
    const s = readProjectStatus(servicePaths(ctx.dirs.state, realpathOr(p.root), ctx.env));
    return s.state === "down" ? [] : [{ root: p.root, ...s }];
  });
  if (opts.json) {
    process.stdout.write(JSON.stringify({ ...report, services }, null, 2) + "\n");
    return code;
  }
  const out: string[] = [];
  const { hook } = report;
  out.push(hook.installed ? `hook: ${hook.shell}, active in this shell` : `hook: not active in this shell; add: ${RC[hook.shell] ?? RC.bash}`);
  if (!report.active.length) out.push("active: none");
  for (const a of report.active) {
    const userWide = a.root === resolve(ctx.dirs.global) ? " (user-wide: devenv add -g)" : "";
    out.push(`active: ${showPath(a.root)}${userWide}${a.current ? "" : " (changed; the next prompt updates it)"}`);
    for (const t of a.tools) out.push(`  ${t}`);
    for (const [k, v] of Object.entries(a.set)) out.push(`  ${k}=${short(v)}`);
    for (const [k, dirs] of Object.entries(a.prepend)) out.push(`  ${k} += ${short(dirs.join(":"), 100)}`);
  }
  if (report.here && !report.here.active) {
    const t = report.here.trust;
    const why = t === "allowed" ? (hook.installed ? "loads at the next prompt" : "allowed") : t === "unknown" ? "does not load" : `${t}; run 'devenv allow'`;
    out.push(`here: ${showPath(report.here.root)} (not active: ${why})`);
  }
  for (const s of services) {
    const each = s.processes.map((p) => `${p.name} ${p.state}${p.port !== undefined ? ` :${p.port}` : ""}`).join(", ");
    out.push(`services: ${showPath(s.root)}: ${s.state === "up" ? "up" : "left by a supervisor that is gone ('devenv down' stops them)"}${each ? `: ${each}` : ""}`);
  }
  out.push(...problems(report, hook.installed));
  printText(out.join("\n") + "\n");
  return code;
}
