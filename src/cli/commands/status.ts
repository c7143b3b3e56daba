import type { Command } from "commander";
import { createContext } from "../../app/context.js";
import { projectStatus } from "../../app/activation/index.js";
import { printText } from "../output.js";

const RC: Record<string, string> = {
  bash: `eval "$(devenv hook bash)"   # in ~/.bashrc`,
  zsh: `eval "$(devenv hook zsh)"    # in ~/.zshrc`,
  fish: `devenv hook fish | source   # in ~/.config/fish/config.fish`,
};

export default async function status(opts: { json?: boolean }, _cmd: Command): Promise<void> {
  const report = await projectStatus(createContext(), process.ppid);
  if (opts.json) {
    process.stdout.write(JSON.stringify(report, null, 2) + "\n");
    return;
  }
  const out: string[] = [];
  const { hook } = report;
  out.push(hook.installed ? `hook: ${hook.shell}, active in this shell` : `hook: not active in this shell; add: ${RC[hook.shell] ?? RC.bash}`);
  if (!report.active.length) out.push("active: none");
  for (const a of report.active) {
    out.push(`active: ${a.root}${a.current ? "" : " (changed; the next prompt updates it)"}`);
    for (const t of a.tools) out.push(`  ${t}`);
  }
  if (report.here && !report.here.active) {
    const why = report.here.trust === "allowed" ? (hook.installed ? "loads at the next prompt" : "allowed") : `${report.here.trust}; run 'devenv allow'`;
    out.push(`here: ${report.here.root} (not active: ${why})`);
  }
  printText(out.join("\n") + "\n");
}
