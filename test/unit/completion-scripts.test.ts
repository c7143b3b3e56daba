/**
 * The completion scripts are generated from the commander program: every command a user can see
 * (subcommands and aliases too), every option, every declared choice and the tool-name slots are
 * in each of them, hidden commands are not, a command added to the program is covered without
 * touching the generator, and bash, zsh and fish accept the scripts' syntax.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Command, Option } from "commander";
import { renderBash } from "../../src/cli/completion/bash.js";
import { renderFish } from "../../src/cli/completion/fish.js";
import { allCommands, commandSpec } from "../../src/cli/completion/spec.js";
import { renderZsh } from "../../src/cli/completion/zsh.js";
import { buildProgram } from "../../src/cli/main.js";
import { PLATFORM_KEYS } from "../../src/platform/keys.js";
import { shellAvailable } from "../support/shell-session.js";

const RENDER = { bash: renderBash, zsh: renderZsh, fish: renderFish };
const isHidden = (c: Command) => Boolean((c as unknown as { _hidden?: boolean })._hidden);

/** [path, command] of every command of the program, hidden ones included. */
function everyCommand(c: Command, path: string[] = []): Array<[string[], Command]> {
  return c.commands.flatMap((s) => [[[...path, s.name()], s] as [string[], Command], ...everyCommand(s, [...path, s.name()])]);
}

const program = buildProgram();
const scripts = Object.fromEntries(Object.entries(RENDER).map(([k, r]) => [k, r(commandSpec(program))])) as Record<keyof typeof RENDER, string>;

test("every visible command, subcommand and alias is in the tree and each script; no hidden one", () => {
  const spec = commandSpec(program);
  const keys = new Set(allCommands(spec).map((c) => c.path.join(" ")));
  const visible = everyCommand(program).filter(([, c]) => !isHidden(c));
  assert.ok(visible.length > 30, "the program's commands were found");
  for (const [path, c] of visible) {
    assert.ok(keys.has(path.join(" ")), `${path.join(" ")} is in the completion tree`);
    for (const [shell, text] of Object.entries(scripts)) {
      const parent = path.slice(0, -1).join(" ");
      for (const name of [c.name(), ...c.aliases()]) {
        // Each script maps "<parent>:<word>" to the command when walking the words typed.
        assert.ok(text.includes(`'${parent}:${name}'`), `${shell}: ${[...path.slice(0, -1), name].join(" ")}`);
      }
    }
  }
  for (const sub of ["cache push", "store ls", "store verify", "watch status", "watch stop"]) assert.ok(keys.has(sub), sub);
  const hidden = everyCommand(program).filter(([, c]) => isHidden(c)).map(([p]) => p.join(" "));
  assert.ok(hidden.includes("hook-env") && hidden.includes("__complete"), "the hidden commands were found");
  for (const h of hidden) {
    assert.ok(!keys.has(h), `${h} is hidden`);
    for (const [shell, text] of Object.entries(scripts)) assert.ok(!text.includes(`:${h}'`), `${shell} leaves out ${h}`);
  }
});

test("every option of every visible command is in each script, with its choices", () => {
  for (const [path, c] of [[[], program] as [string[], Command], ...everyCommand(program).filter(([, c]) => !isHidden(c))]) {
    for (const o of c.options.filter((o) => !o.hidden)) {
      for (const flag of [o.short, o.long].filter((f): f is string => Boolean(f))) {
        assert.ok(scripts.bash.includes(flag) && scripts.zsh.includes(`'${flag}:`), `${path.join(" ")} ${flag} in bash and zsh`);
        const fishFlag = flag.startsWith("--") ? `-l '${flag.slice(2)}'` : `-s '${flag.slice(1)}'`;
        assert.ok(scripts.fish.includes(fishFlag), `${path.join(" ")} ${flag} in fish`);
      }
      for (const choice of o.argChoices ?? []) for (const [shell, text] of Object.entries(scripts)) assert.ok(text.includes(choice), `${shell}: ${o.long} ${choice}`);
    }
  }
  const spec = commandSpec(program);
  const byPath = (p: string) => allCommands(spec).find((c) => c.path.join(" ") === p)!;
  assert.deepEqual(byPath("cache push").options.find((o) => o.flags.includes("--platform"))?.value, { variadic: true, choices: [...PLATFORM_KEYS] });
  assert.deepEqual(byPath("env").options.find((o) => o.flags.includes("--shell"))?.value?.choices, ["bash", "zsh", "fish", "json"]);
  assert.deepEqual(byPath("hook").args[0]?.choices, ["bash", "zsh", "fish"]);
  assert.deepEqual(byPath("completion").args[0]?.choices, ["bash", "zsh", "fish"]);
  // The value slot of each: bash keys "<command>:<flag>" to the words offered.
  assert.match(scripts.bash, new RegExp(`'env:--shell'\\) _devenv_words 'bash zsh fish json'`));
  assert.match(scripts.bash, new RegExp(`'cache push:--platform'\\) _devenv_words '${PLATFORM_KEYS.join(" ")}'`));
  assert.match(scripts.zsh, /'watch:--print-service'\) compadd -- 'systemd' 'launchd'/);
  assert.match(scripts.fish, /__devenv_is "hook" "#0"' -f -a 'bash zsh fish'/);
});

test("tool names: add, versions from the catalogue; remove from the project; which from its binaries", () => {
  const spec = commandSpec(program);
  const kindOf = (p: string) => allCommands(spec).find((c) => c.path.join(" ") === p)?.args[0]?.kind;
  assert.equal(kindOf("add"), "tools");
  assert.equal(kindOf("versions"), "tools");
  assert.equal(kindOf("remove"), "project-tools");
  assert.equal(kindOf("which"), "bins");
  assert.equal(kindOf("exec"), "commands");
  for (const [cmd, kind] of [["add", "tools"], ["versions", "tools"], ["remove", "project-tools"], ["which", "bins"]]) {
    assert.ok(scripts.bash.includes(`'${cmd}:#0') _devenv_dynamic ${kind} "$2"`), `bash: ${cmd}`);
    assert.ok(scripts.zsh.includes(`'${cmd}:#0') _devenv_dynamic ${kind}`), `zsh: ${cmd}`);
    assert.ok(scripts.fish.includes(`__devenv_is "${cmd}" "#0"' -f -a '(__devenv_dynamic ${kind})'`), `fish: ${cmd}`);
  }
});

test("devenv x and shell -p complete tool names: the table names them as they are registered", () => {
  const spec = commandSpec(buildProgram());
  const x = allCommands(spec).find((c) => c.path.join(" ") === "x")!;
  assert.equal(x.args[0]?.kind, "tools", "x takes tool names (value-kinds.ts)");
  const sh = allCommands(spec).find((c) => c.path.join(" ") === "shell")!;
  for (const flag of ["-p", "--packages"]) assert.equal(sh.options.find((o) => o.flags.includes(flag))?.value?.kind, "tools", flag);
  const bash = renderBash(spec);
  assert.ok(bash.includes(`'x:#0') _devenv_dynamic tools`));
  assert.ok(bash.includes(`'shell:-p'|'shell:--packages') _devenv_dynamic tools`));
});

test("a command or option added to the program is completed without touching the generator", () => {
  const p = buildProgram();
  p.command("frob").description("a command added later").argument("<things...>").option("--pure", "nothing else").action(() => {});
  p.commands.find((c) => c.name() === "env")!.addOption(new Option("--extra <what>", "an option added later").choices(["one", "two"]));
  p.command("frobnicate", { hidden: true }).action(() => {});
  const spec = commandSpec(p);
  const bash = renderBash(spec);
  assert.ok(bash.includes(`':frob') _devenv_next='frob'`), "the command");
  assert.ok(bash.includes("--extra") && bash.includes("one two"), "the option and its choices");
  assert.ok(renderFish(spec).includes(`-l 'pure'`));
  assert.ok(renderZsh(spec).includes("frob"));
  assert.ok(!bash.includes("frobnicate"));
});

for (const shell of ["bash", "zsh", "fish"] as const) {
  test(`${shell} accepts the syntax of its script`, { skip: shellAvailable(shell) ? false : `${shell} is not installed` }, () => {
    const file = join(mkdtempSync(join(tmpdir(), "devenv-completion-")), `devenv.${shell}`);
    writeFileSync(file, scripts[shell]);
    const check = shell === "fish" ? ["--no-execute", file] : ["-n", file];
    execFileSync(shell, check, { stdio: ["ignore", "pipe", "pipe"] });
  });
}
