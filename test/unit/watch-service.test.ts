/**
 * `devenv watch --print-service`: the systemd user unit and the launchd agent, with their quoting
 * rules (systemd: `%` specifiers, `$` in Exec lines, C escapes inside quotes; plist: XML entities),
 * and the environment they carry (never GITHUB_TOKEN or other secrets).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { renderService, serviceEnv, systemdEnvAssignment, systemdExecWord, type ServiceOptions } from "../../src/app/watch/service.js";

const TOKEN = "ghp_do_not_write_me_0123456789";
const nasty = `/tmp/a b/"q" 100% $HOME\\x`;

const base: ServiceOptions = {
  node: "/usr/local/bin/node",
  cli: "/opt/devenv/bin/devenv.js",
  env: { DEVENV_HOME: "/home/me/.devenv", PATH: "/usr/local/bin:/usr/bin:/bin" },
  log: "/home/me/.devenv/state/watch/watch.log",
};

const lines = (text: string, prefix: string) => text.split("\n").filter((l) => l.startsWith(prefix));

test("systemd: a user unit with the exact ExecStart, Environment lines, restart policy and install target", () => {
  const unit = renderService("systemd", base);
  assert.deepEqual(lines(unit, "ExecStart="), ["ExecStart=/usr/local/bin/node /opt/devenv/bin/devenv.js watch"]);
  assert.deepEqual(lines(unit, "Environment="), ["Environment=DEVENV_HOME=/home/me/.devenv", "Environment=PATH=/usr/local/bin:/usr/bin:/bin"]);
  assert.deepEqual(lines(unit, "Restart"), ["Restart=on-failure", "RestartSec=5"]);
  assert.deepEqual(lines(unit, "WantedBy="), ["WantedBy=default.target"]);
  assert.deepEqual(lines(unit, "["), ["[Unit]", "[Service]", "[Install]"]);
  assert.match(unit, /^Description=devenv watch/m);
  // The header says where it goes and how to enable it.
  assert.match(unit, /^# .*~\/\.config\/systemd\/user\/devenv-watch\.service/m);
  assert.match(unit, /^#\s+systemctl --user daemon-reload && systemctl --user enable --now devenv-watch$/m);
  // Every non-blank line is a comment, a section or a key=value.
  for (const l of unit.split("\n")) assert.match(l, /^(|#.*|\[[A-Za-z]+\]|[A-Za-z]+=.*)$/, l);
});

test("systemd: paths with spaces are quoted; %, $, quotes and backslashes are escaped", () => {
  assert.equal(systemdExecWord("/opt/my tools/node"), `"/opt/my tools/node"`);
  assert.equal(systemdExecWord("/opt/100%/node"), "/opt/100%%/node");
  assert.equal(systemdExecWord("/opt/$x/node"), `"/opt/$$x/node"`);
  assert.equal(systemdExecWord(`/opt/a "b"\\c`), `"/opt/a \\"b\\"\\\\c"`);
  const unit = renderService("systemd", { ...base, node: "/opt/my tools/node", cli: "/home/me/dev env/bin/devenv.js" });
  assert.deepEqual(lines(unit, "ExecStart="), [`ExecStart="/opt/my tools/node" "/home/me/dev env/bin/devenv.js" watch`]);

  // Environment=: `%` → `%%` (specifier); quotes and backslashes C-escaped inside double quotes; `$` stays.
  assert.equal(systemdEnvAssignment("DEVENV_HOME", nasty), `"DEVENV_HOME=/tmp/a b/\\"q\\" 100%% $HOME\\\\x"`);
  assert.equal(systemdEnvAssignment("DEVENV_OFFLINE", "1"), "DEVENV_OFFLINE=1");
  assert.equal(systemdEnvAssignment("X", "50%"), "X=50%%");
  const withEnv = renderService("systemd", { ...base, env: { DEVENV_HOME: nasty } });
  assert.deepEqual(lines(withEnv, "Environment="), [`Environment="DEVENV_HOME=/tmp/a b/\\"q\\" 100%% $HOME\\\\x"`]);
});

test("systemd: systemd-analyze accepts the unit (when it is installed)", (t) => {
  const probe = spawnSync("systemd-analyze", ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) return t.skip("systemd-analyze not available");
  const dir = mkdtempSync(join(tmpdir(), "devenv-unit-"));
  const file = join(dir, "devenv-watch.service");
  writeFileSync(file, renderService("systemd", { ...base, node: process.execPath, env: { DEVENV_HOME: nasty, DEVENV_MIRRORS: "https://a=https://b?x&y" } }));
  const r = spawnSync("systemd-analyze", ["verify", "--man=no", file], { encoding: "utf8" });
  // It also reports on unrelated system units; only complaints about ours matter.
  const ours = `${r.stdout}\n${r.stderr}`.split("\n").filter((l) => l.includes("devenv-watch"));
  assert.deepEqual(ours, []);
});

const unescapeXml = (s: string) =>
  s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");

test("launchd: a plist with Label, exact ProgramArguments, env, RunAtLoad, KeepAlive and the log paths", () => {
  const plist = renderService("launchd", base);
  assert.ok(plist.startsWith(`<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist`));
  assert.ok(plist.includes(`  <key>Label</key>\n  <string>dev.devenv.watch</string>\n`));
  assert.ok(
    plist.includes(
      `  <key>ProgramArguments</key>\n  <array>\n    <string>/usr/local/bin/node</string>\n    <string>/opt/devenv/bin/devenv.js</string>\n    <string>watch</string>\n  </array>\n`,
    ),
  );
  assert.ok(
    plist.includes(
      `  <key>EnvironmentVariables</key>\n  <dict>\n    <key>DEVENV_HOME</key>\n    <string>/home/me/.devenv</string>\n    <key>PATH</key>\n    <string>/usr/local/bin:/usr/bin:/bin</string>\n  </dict>\n`,
    ),
  );
  assert.ok(plist.includes(`  <key>RunAtLoad</key>\n  <true/>\n`));
  assert.ok(plist.includes(`  <key>KeepAlive</key>\n  <dict>\n    <key>SuccessfulExit</key>\n    <false/>\n  </dict>\n`));
  assert.ok(plist.includes(`  <key>StandardOutPath</key>\n  <string>${base.log}</string>\n  <key>StandardErrorPath</key>\n  <string>${base.log}</string>\n`));
  assert.match(plist, /launchctl bootstrap gui\/\$\(id -u\) ~\/Library\/LaunchAgents\/dev\.devenv\.watch\.plist/);
  assert.match(plist, /mkdir -p \/home\/me\/\.devenv\/state\/watch\n/);
  // The comment is a well-formed XML comment: one of them, nothing with "--" inside.
  const comment = /<!--([\s\S]*?)-->/.exec(plist)![1]!;
  assert.ok(!comment.includes("--"));
  assert.ok(plist.trimEnd().endsWith("</dict>\n</plist>"));
});

test("launchd: values are XML-escaped (&, <, >, quotes) and read back exactly", () => {
  const odd = `https://x.example/a?b=1&c=<2>'3'"4" 100% $HOME`;
  const plist = renderService("launchd", { ...base, cli: "/opt/dev & env/<bin>/devenv.js", env: { DEVENV_MIRRORS: odd }, log: "/tmp/a&b/watch.log" });
  assert.ok(plist.includes(`<string>/opt/dev &amp; env/&lt;bin&gt;/devenv.js</string>`));
  assert.ok(plist.includes(`<string>https://x.example/a?b=1&amp;c=&lt;2&gt;&apos;3&apos;&quot;4&quot; 100% $HOME</string>`));
  // Outside the comment, no raw & or < that is not markup.
  const body = plist.replace(/<!--[\s\S]*?-->/, "");
  assert.doesNotMatch(body, /&(?!amp;|lt;|gt;|quot;|apos;)/);
  const strings = [...body.matchAll(/<string>([^<]*)<\/string>/g)].map((m) => unescapeXml(m[1]!));
  assert.ok(strings.includes(odd));
  assert.ok(strings.includes("/opt/dev & env/<bin>/devenv.js"));
  assert.ok(strings.includes("/tmp/a&b/watch.log"));
  // A log path whose directory contains "--" must not break the comment.
  const dashes = renderService("launchd", { ...base, log: "/tmp/x--y/watch.log" });
  assert.ok(!/<!--([\s\S]*?)-->/.exec(dashes)![1]!.includes("--"));
});

test("serviceEnv carries DEVENV_*, XDG_*_HOME, PATH, HOME, the npm registry, proxies and CA settings; never secrets", () => {
  const env = serviceEnv({
    DEVENV_HOME: "/h",
    DEVENV_MIRRORS: "https://a=https://b",
    DEVENV_STATE: "devenv-state-1\x1f",
    XDG_STATE_HOME: "/xs",
    XDG_CONFIG_HOME: "/xc",
    XDG_RUNTIME_DIR: "/run/user/1000",
    PATH: "/usr/bin:/bin",
    HOME: "/home/me",
    npm_config_registry: "https://registry.internal/npm/",
    "npm_config_//registry.internal/:_authToken": "npm_secret",
    NPM_CONFIG_USERCONFIG: "/home/me/.npmrc",
    HTTPS_PROXY: "http://proxy:3128",
    HTTP_PROXY: "http://user:pass@proxy:3128",
    NO_PROXY: "localhost",
    NODE_EXTRA_CA_CERTS: "/etc/ca.pem",
    GITHUB_TOKEN: TOKEN,
    DEVENV_GITHUB_TOKEN: TOKEN,
    SHELL: "/bin/zsh",
    NODE_OPTIONS: "--require x",
    TERM: "xterm",
    EMPTY: "",
  });
  assert.deepEqual(env, {
    DEVENV_HOME: "/h",
    DEVENV_MIRRORS: "https://a=https://b",
    HOME: "/home/me",
    HTTPS_PROXY: "http://proxy:3128",
    NODE_EXTRA_CA_CERTS: "/etc/ca.pem",
    NO_PROXY: "localhost",
    PATH: "/usr/bin:/bin",
    XDG_CONFIG_HOME: "/xc",
    XDG_STATE_HOME: "/xs",
    npm_config_registry: "https://registry.internal/npm/",
  });
  assert.deepEqual(Object.keys(env), Object.keys(env).sort(), "sorted: the output is stable");
});

test("GITHUB_TOKEN is never written, even when handed to renderService directly; a comment says so", () => {
  for (const kind of ["systemd", "launchd"] as const) {
    const fromServiceEnv = renderService(kind, { ...base, env: serviceEnv({ DEVENV_HOME: "/h", GITHUB_TOKEN: TOKEN }) });
    const direct = renderService(kind, { ...base, env: { DEVENV_HOME: "/h", GITHUB_TOKEN: TOKEN } });
    for (const text of [fromServiceEnv, direct]) {
      assert.ok(!text.includes(TOKEN), `${kind}: token value written`);
      assert.doesNotMatch(text, /Environment=.*GITHUB_TOKEN|<key>GITHUB_TOKEN<\/key>/, `${kind}: token variable written`);
      // Mentioned only in the comment that explains why it is left out.
      const mentions = text.split("\n").filter((l) => l.includes("GITHUB_TOKEN"));
      assert.ok(mentions.length >= 1, kind);
      if (kind === "systemd") for (const l of mentions) assert.match(l, /^#/);
      else {
        const comment = /<!--([\s\S]*?)-->/.exec(text)![1]!;
        for (const l of mentions) assert.ok(comment.includes(l.trim()));
      }
    }
  }
});
