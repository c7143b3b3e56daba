/**
 * `devenv watch --print-service systemd|launchd`: a user service that runs `devenv watch` at login.
 * Pure text generation: the caller prints it; the user saves and enables it.
 */

export interface ServiceOptions {
  /** Absolute path of the node binary (process.execPath). */
  node: string;
  /** Absolute path of bin/devenv.js. */
  cli: string;
  /** Variables the service gets (see serviceEnv). */
  env: Record<string, string>;
  /** The watch log (`watchPaths(state).log`): launchd writes the agent's output there. */
  log: string;
}

export type ServiceKind = "systemd" | "launchd";

export const SYSTEMD_UNIT = "devenv-watch";
export const LAUNCHD_LABEL = "dev.devenv.watch";

/** Names that look like credentials: never written into a service file. */
const SECRET = /TOKEN|SECRET|PASSWORD|PASSWD|AUTH|CREDENTIAL|_KEY$/i;
/** Per-shell state of the hooks: meaningless (and harmful) in a service. */
const SHELL_ONLY = new Set(["DEVENV_STATE"]);
const PROXY = new Set(["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"]);
const CERTS = new Set(["NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "SSL_CERT_DIR"]);

/**
 * The variables a watcher started by a service manager needs to behave like the `devenv` of this
 * shell: DEVENV_* (the state/store location, mirrors, offline…), XDG_*_HOME (where the dirs are
 * without DEVENV_HOME), PATH and HOME, the npm registry setting, proxies (without credentials)
 * and extra CA certificates. GITHUB_TOKEN and anything else that looks like a secret is left out:
 * a service file is a plain file on disk.
 */
export function serviceEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || v === "" || !carried(k, v)) continue;
    out[k] = v;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function carried(name: string, value: string): boolean {
  if (SECRET.test(name) || SHELL_ONLY.has(name)) return false;
  // Control characters have no way into a plist (XML 1.0) and are never a path or a URL.
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) return false;
  if (/^DEVENV_[A-Z0-9_]+$/.test(name)) return true;
  if (/^XDG_[A-Z]+_HOME$/.test(name)) return true;
  if (name === "PATH" || name === "HOME") return true;
  if (/^npm_config_registry$/i.test(name)) return true;
  if (CERTS.has(name)) return true;
  // A proxy URL with user:password@ is a credential.
  if (PROXY.has(name)) return !/^[a-z][a-z0-9+.-]*:\/\/[^/]*@/i.test(value);
  return false;
}

export function renderService(kind: ServiceKind, opts: ServiceOptions): string {
  const env = Object.entries(opts.env).filter(([k, v]) => !SECRET.test(k) && typeof v === "string");
  return kind === "systemd" ? renderSystemd(opts, env) : renderLaunchd(opts, env);
}

// ---------------------------------------------------------------------------------------------
// systemd

/** `%` starts a specifier everywhere in a unit file, quoted or not. */
const specifiers = (s: string) => s.replace(/%/g, "%%");
/** Inside double quotes systemd applies C escapes. */
const cQuote = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\t/g, "\\t").replace(/\n/g, "\\n")}"`;
const SYSTEMD_PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One word of an Exec line: `$` expands variables there (`$$` is a literal one). */
export function systemdExecWord(s: string): string {
  const v = specifiers(s).replace(/\$/g, "$$$$");
  return SYSTEMD_PLAIN.test(s) ? v : cQuote(v);
}

/** One `Environment=` assignment: `$` has no meaning there, but quotes and C escapes do. */
export function systemdEnvAssignment(name: string, value: string): string {
  const a = `${name}=${value}`;
  const v = specifiers(a);
  return SYSTEMD_PLAIN.test(a) ? v : cQuote(v);
}

function renderSystemd(opts: ServiceOptions, env: Array<[string, string]>): string {
  const lines = [
    `# devenv watch as a systemd user service: keeps every registered project's environment ready.`,
    `# Save as ~/.config/systemd/user/${SYSTEMD_UNIT}.service, then:`,
    `#   systemctl --user daemon-reload && systemctl --user enable --now ${SYSTEMD_UNIT}`,
    `# Check it with 'devenv watch status'; its output: journalctl --user -u ${SYSTEMD_UNIT}`,
    `# GITHUB_TOKEN is deliberately not written here (a secret in a plain file). To give the watcher one:`,
    `#   systemctl --user set-environment GITHUB_TOKEN=... && systemctl --user restart ${SYSTEMD_UNIT}`,
    ``,
    `[Unit]`,
    `Description=devenv watch: re-lock, install and refresh activations when devenv.ts or devenv.lock change`,
    ``,
    `[Service]`,
    `Type=simple`,
    `ExecStart=${[opts.node, opts.cli, "watch"].map(systemdExecWord).join(" ")}`,
    ...env.map(([k, v]) => `Environment=${systemdEnvAssignment(k, v)}`),
    `Restart=on-failure`,
    `RestartSec=5`,
    // The watcher exits 128+signal when asked to stop ('devenv watch stop', systemctl stop): not a failure.
    `SuccessExitStatus=129 130 143`,
    ``,
    `[Install]`,
    `WantedBy=default.target`,
  ];
  return lines.join("\n") + "\n";
}

// ---------------------------------------------------------------------------------------------
// launchd

export const xmlEscape = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");

const shellQuote = (s: string) => (/^[A-Za-z0-9_@%+=:,./~-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

function dirOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i > 0 ? path.slice(0, i) : "/";
}

function renderLaunchd(opts: ServiceOptions, env: Array<[string, string]>): string {
  const plist = `~/Library/LaunchAgents/${LAUNCHD_LABEL}.plist`;
  const mkdir = `mkdir -p ${shellQuote(dirOf(opts.log))}`;
  const comment = [
    `devenv watch as a launchd user agent: keeps every registered project's environment ready.`,
    `Save as ${plist}, then:`,
    // launchd does not create the log's directory; "--" cannot appear inside an XML comment.
    ...(mkdir.includes("--") ? [`  (create the directory of StandardOutPath first)`] : [`  ${mkdir}`]),
    `  launchctl bootstrap gui/$(id -u) ${plist}`,
    `Stop and unload: launchctl bootout gui/$(id -u)/${LAUNCHD_LABEL}`,
    `Check it with 'devenv watch status'.`,
    `GITHUB_TOKEN is deliberately not written here (a secret in a plain file). To give the watcher one:`,
    `  launchctl setenv GITHUB_TOKEN ... and then launchctl kickstart -k gui/$(id -u)/${LAUNCHD_LABEL}`,
  ];
  const str = (s: string) => `<string>${xmlEscape(s)}</string>`;
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">`,
    `<!--`,
    ...comment.map((l) => `  ${l}`),
    `-->`,
    `<plist version="1.0">`,
    `<dict>`,
    `  <key>Label</key>`,
    `  ${str(LAUNCHD_LABEL)}`,
    `  <key>ProgramArguments</key>`,
    `  <array>`,
    ...[opts.node, opts.cli, "watch"].map((a) => `    ${str(a)}`),
    `  </array>`,
    `  <key>EnvironmentVariables</key>`,
    `  <dict>`,
    ...env.flatMap(([k, v]) => [`    <key>${xmlEscape(k)}</key>`, `    ${str(v)}`]),
    `  </dict>`,
    `  <key>RunAtLoad</key>`,
    `  <true/>`,
    `  <key>KeepAlive</key>`,
    `  <dict>`,
    `    <key>SuccessfulExit</key>`,
    `    <false/>`,
    `  </dict>`,
    `  <key>StandardOutPath</key>`,
    `  ${str(opts.log)}`,
    `  <key>StandardErrorPath</key>`,
    `  ${str(opts.log)}`,
    `</dict>`,
    `</plist>`,
  ];
  return lines.join("\n") + "\n";
}
