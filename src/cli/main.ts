import { Argument, Command, CommanderError, Option } from "commander";
import { reportError } from "./output.js";
import { PLATFORM_KEYS } from "../platform/keys.js";

export interface GlobalOpts {
  offline?: boolean;
  quiet?: boolean;
}

/** Each command's code is imported only when that command runs: start-up stays small. */
const run = (load: () => Promise<{ default: (...a: never[]) => Promise<number | void> }>) =>
  async (...args: unknown[]) => {
    // If the event loop ever empties while a command still awaits something, that is a bug:
    // say so and fail, rather than exit 0 having done half the work.
    let finished = false;
    process.once("beforeExit", () => {
      if (finished) return;
      process.stderr.write("devenv: internal error: the command stopped before finishing (please report this)\n");
      process.exitCode = 1;
    });
    const mod = await load();
    try {
      const code = await (mod.default as (...a: unknown[]) => Promise<number | void>)(...args);
      if (typeof code === "number") process.exitCode = code;
    } finally {
      finished = true;
    }
  };

export function buildProgram(): Command {
  const program = new Command("devenv")
    .description("Per-project pinned toolchains: devenv.ts → devenv.lock → a hashed store → your shell")
    .version("0.1.0")
    .option("--offline", "use only caches, the lock and the store (also DEVENV_OFFLINE=1)")
    .option("-q, --quiet", "no progress output")
    .showSuggestionAfterError(true)
    .enablePositionalOptions()
    .exitOverride();

  program.command("init").description("create devenv.ts in the current directory").action(run(() => import("./commands/init.js")));
  program
    .command("add")
    .description("add tools to devenv.ts (name or name@range), lock and install them")
    .argument("<tools...>", "e.g. node@20 zig@0.13 cmake")
    .option("--no-install", "update devenv.ts and devenv.lock only")
    .option("-g, --global", "user-wide: the devenv.ts in devenv's config dir, applied everywhere (projects override it)")
    .option("--from <source>", "another source of the tools (node, cmake: npm), written as their 'from' option")
    .option("--trust-first-download", "lock files no upstream publishes a checksum for by hashing them on first download")
    .option("--strict", "refuse checksums trusted on first download (also strictChecksums, DEVENV_STRICT_CHECKSUMS=1)")
    .action(run(() => import("./commands/add.js")));
  program
    .command("import")
    .description("add the tools of .tool-versions, .nvmrc, .node-version, .python-version, rust-toolchain(.toml), mise.toml to devenv.ts, lock and install them")
    .argument("[files...]", "the files to read (default: those in the current directory)")
    .option("-n, --dry-run", "print the devenv.ts that would be written (the report on stderr); write nothing")
    .option("--no-install", "update devenv.ts and devenv.lock only")
    .option("--trust-first-download", "lock files no upstream publishes a checksum for by hashing them on first download")
    .option("--strict", "refuse checksums trusted on first download (also strictChecksums, DEVENV_STRICT_CHECKSUMS=1)")
    .action(run(() => import("./commands/import.js")));
  program.command("remove").alias("rm").description("remove tools from devenv.ts and devenv.lock").argument("<tools...>").option("-g, --global", "from the user-wide tools (devenv add -g)").action(run(() => import("./commands/remove.js")));
  program
    .command("install")
    .description("install the tools of devenv.lock (locking what devenv.ts adds)")
    .option("--frozen", "fail if devenv.lock does not satisfy devenv.ts; never write it")
    .option("--trust-first-download", "lock files no upstream publishes a checksum for by hashing them on first download")
    .option("--strict", "refuse checksums trusted on first download (also strictChecksums, DEVENV_STRICT_CHECKSUMS=1)")
    .option("--push", "then push what the team's cache lacks (as 'devenv cache push')")
    .option("--from-bundle <path>", "install from an OCI layout written by 'devenv bundle' (a directory or .tar); works offline")
    .action(run(() => import("./commands/install.js")));
  const cache = program.command("cache").description("a team's artifact cache on an OCI registry (DEVENV_CACHE, or cache in devenv.ts)");
  cache
    .command("push")
    .description("upload every file devenv.lock pins that the cache lacks, with a manifest per tool and platform and an index of the lock")
    .addOption(new Option("--platform <platforms...>", "only these platforms of the lock").choices(PLATFORM_KEYS))
    .option("--json", "print JSON")
    .action(run(() => import("./commands/cache-push.js")));
  program
    .command("bundle")
    .description("write devenv.lock's files as an OCI image layout (a directory, or a .tar) for 'install --from-bundle' with no network")
    .argument("<dest>", "a directory or a file ending in .tar")
    .addOption(new Option("--platform <platforms...>", "only these platforms of the lock").choices(PLATFORM_KEYS))
    .action(run(() => import("./commands/bundle.js")));
  program
    .command("lock")
    .description("resolve devenv.ts into devenv.lock without installing")
    .addOption(new Option("--platform <platforms...>", "also lock these platforms").choices(PLATFORM_KEYS))
    .option("--trust-first-download", "lock files no upstream publishes a checksum for by hashing them on first download")
    .option("--strict", "refuse checksums trusted on first download (also strictChecksums, DEVENV_STRICT_CHECKSUMS=1)")
    .action(run(() => import("./commands/lock.js")));
  program
    .command("update")
    .description("re-resolve tools to the newest versions their ranges allow")
    .argument("[tools...]")
    .option("--no-install", "lock only")
    .option("--trust-first-download", "lock files no upstream publishes a checksum for by hashing them on first download")
    .option("--strict", "refuse checksums trusted on first download (also strictChecksums, DEVENV_STRICT_CHECKSUMS=1)")
    .action(run(() => import("./commands/update.js")));
  program.command("outdated").description("tools with newer versions than locked").option("--json", "print JSON").action(run(() => import("./commands/outdated.js")));
  program.command("list").alias("ls").description("the project's tools: request, locked version, installed").option("-g, --global", "the user-wide tools (devenv add -g)").option("--json", "print JSON").action(run(() => import("./commands/list.js")));
  program
    .command("versions")
    .description("published versions of a tool (from the source the project here gives it, or --from)")
    .argument("<tool>")
    .option("--from <source>", "another source of the tool (node, cmake: npm)")
    .option("--json", "print JSON")
    .action(run(() => import("./commands/versions.js")));
  program
    .command("search")
    .description("find tools: built-in recipes and the catalogue (names, commands, descriptions), with their sources")
    .argument("[text...]")
    .option("--from <source>", "only the tools another source publishes (npm: node, cmake)")
    .option("--json", "print JSON")
    .action(run(() => import("./commands/search.js")));
  program
    .command("env")
    .description("print the project's environment as shell code")
    .addOption(new Option("--shell <shell>", "output format").choices(["bash", "zsh", "fish", "json"]).default("bash"))
    .option("--json", "same as --shell json")
    .action(run(() => import("./commands/env.js")));
  program
    .command("direnv")
    .description("print use_devenv for direnv: 'use devenv' in .envrc")
    .addOption(new Option("--export", "internal: what use_devenv evaluates in the project's directory").hideHelp())
    .action(run(() => import("./commands/direnv.js")));
  program
    .command("exec")
    .description("run a command in the project's environment")
    .argument("<command>")
    .argument("[args...]")
    .passThroughOptions()
    .allowUnknownOption()
    .action(run(() => import("./commands/exec.js")));
  program
    .command("shell")
    .description("start $SHELL with the project's environment")
    .option("-p, --packages <tools...>", "with these tools on top (name@range), in or outside a project; nothing is written")
    .action(run(() => import("./commands/shell.js")));
  program
    .command("x")
    .description("run a command with these tools on top of the project's environment (if any); nothing is written")
    .argument("<tools-and-command...>", "node@20 zig@0.13 -- cmd [args...]")
    .passThroughOptions()
    .allowUnknownOption()
    .action(run(() => import("./commands/x.js")));
  program.command("which").description("path of a tool's binary in this project").argument("<bin>").action(run(() => import("./commands/which.js")));
  program
    .command("hook")
    .description("print the shell hook for your rc file: eval \"$(devenv hook bash)\"")
    .addArgument(new Argument("<shell>", "bash, zsh or fish").choices(["bash", "zsh", "fish"]))
    .addHelpText("after", `
Put one of these in your shell's rc file:
  bash  ~/.bashrc                    eval "$(devenv hook bash)"
  zsh   ~/.zshrc                     eval "$(devenv hook zsh)"
  fish  ~/.config/fish/config.fish   devenv hook fish | source`)
    .action(run(() => import("./commands/hook.js")));
  program
    .command("completion")
    .description("print the Tab completion script of a shell: commands, options, tool names")
    .addArgument(new Argument("<shell>", "bash, zsh or fish").choices(["bash", "zsh", "fish"]))
    .addHelpText("after", `
Install it once, then open a new shell:
  bash  in ~/.bashrc: eval "$(devenv completion bash)"
  zsh   devenv completion zsh > ~/.zfunc/_devenv   and in ~/.zshrc, before compinit: fpath=(~/.zfunc $fpath)
  fish  devenv completion fish > ~/.config/fish/completions/devenv.fish`)
    .action(run(() => import("./commands/completion.js")));
  program.command("allow").description("allow the current content of a project's devenv.ts to run").argument("[dir]").action(run(() => import("./commands/allow.js")));
  program.command("deny").description("never load a project's devenv.ts (until 'devenv allow')").argument("[dir]").action(run(() => import("./commands/deny.js")));
  program.command("status").description("the active project, its tools, and whether the hook is active in this shell").option("--json", "print JSON").action(run(() => import("./commands/status.js")));
  program
    .command("gc")
    .description("remove store entries no project uses any more, and leftovers of interrupted installs")
    .option("-n, --dry-run", "print what would be removed; delete nothing")
    .option("--older-than <age>", "keep unused entries used within this time (30d, 12h, 2w)")
    .option("--forget-unreadable", "drop gc roots that cannot be read, or whose project cannot be looked at, instead of stopping")
    .option("--remove-service-data", "also delete the service data (databases, logs) of projects that no longer exist; without it, gc only lists them")
    .option("-v, --verbose", "also list each entry kept and why (always shown with --dry-run)")
    .option("--json", "print JSON")
    .action(run(() => import("./commands/gc.js")));
  program
    .command("up")
    .description("run the project's services and processes (devenv.ts: services, processes); Ctrl-C stops them")
    .argument("[names...]", "only these (and what they wait for)")
    .option("-d, --detach", "run in the background; return when every process is ready")
    .action(run(() => import("./commands/up.js")));
  program.command("down").description("stop the project's services and processes").action(run(() => import("./commands/down.js")));
  program.command("ps").description("the project's services and processes: pid, state, port, uptime, restarts").option("--json", "print JSON").action(run(() => import("./commands/ps.js")));
  program
    .command("logs")
    .description("the output of the project's services and processes")
    .argument("[names...]")
    .option("-f, --follow", "keep printing new lines")
    .option("-n, --lines <n>", "lines of each log to show first (default 50)")
    .action(run(() => import("./commands/logs.js")));
  program.command("restart").description("restart running services and processes (default: all)").argument("[names...]").action(run(() => import("./commands/restart.js")));
  const store = program.command("store").description("inspect the store of installed tools");
  store.command("ls").description("entries, their sizes, the projects that use them, last use").option("--json", "print JSON").action(run(() => import("./commands/store-ls.js")));
  store
    .command("verify")
    .description("re-hash installed files against their receipts; report (and --repair) modified entries")
    .argument("[entries...]", "tool, tool@version or entry directory name (default: all)")
    .option("--repair", "reinstall modified entries for the projects that use them")
    .option("--json", "print JSON")
    .action(run(() => import("./commands/store-verify.js")));
  const watch = program
    .command("watch")
    .description("keep every registered project's environment ready: re-lock, install and refresh activations when devenv.ts or devenv.lock change")
    .option("--detach", "run in the background (pid file and log in the state dir)")
    .addOption(new Option("--print-service <kind>", "print a user service that starts it at login").choices(["systemd", "launchd"]))
    .action(run(() => import("./commands/watch.js")));
  watch.command("status").description("is a watcher running, and how is each project").option("--json", "print JSON").action(run(() => import("./commands/watch-status.js")));
  watch.command("stop").description("stop the background watcher").action(run(() => import("./commands/watch-stop.js")));
  program
    .command("watch-refresh", { hidden: true })
    .argument("[roots...]")
    .action(run(() => import("./commands/watch-refresh.js")));
  program
    .command("services-run", { hidden: true })
    .argument("[names...]")
    .action(run(() => import("./commands/services-run.js")));
  program
    .command("hook-env", { hidden: true })
    .argument("[roots...]")
    .option("--activations <dir>")
    .action(run(() => import("./commands/hook-env.js")));
  program
    .command("__complete", { hidden: true })
    .argument("<kind>")
    .argument("[word]")
    .action(run(() => import("./commands/complete.js")));
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.exitCode === 0 ? 0 : 2;
      return;
    }
    process.exitCode = reportError(e);
  }
}
