/**
 * A container tool's credentials file (docker's config.json, podman/skopeo's auth.json: the same
 * format), read and checked, and the lookup of one registry host in it. Pure: text in, answers out.
 * Messages name the file and the field, never a value: the file holds passwords and tokens.
 */
import { CacheError } from "./errors.js";
import type { RegistryCredential } from "./types.js";
import { shown } from "../text.js";

export interface DockerConfig {
  file: string;
  /** Per-host helpers: host key → helper name (docker-credential-<name>). */
  credHelpers: Array<[string, string]>;
  /** The default helper for every host. */
  credsStore: string | undefined;
  /** Per-host entries, in file order. */
  auths: Array<[string, AuthEntry]>;
}

export interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
}

/** What a config says to do for a host: a credential it holds, a helper to ask, or nothing. */
export type ConfigAnswer =
  | { kind: "credential"; credential: RegistryCredential }
  | { kind: "helper"; helper: string; serverUrl: string }
  | { kind: "none" };

/** A helper name becomes part of a program name: no path, no spaces, nothing a shell would read. */
const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const HUB_KEY = "https://index.docker.io/v1/";

export const fileHint = (file: string) =>
  `Fix ${file} (it is JSON: {"auths": {"host": {"auth": "<base64 user:password>"}}, "credHelpers": {"host": "<helper>"}, "credsStore": "<helper>"}), or move it aside; \`docker login\` / \`podman login\` rewrite it.`;

function bad(file: string, why: string): CacheError {
  return new CacheError("unauthorized", `cannot read the registry credentials in ${file}: ${why}`, { hint: fileHint(file) });
}

/** `host[:port]` of a key written as "host", "https://host/v1/", "http://host:5000/path"; Docker Hub's names as one. */
export function normalizeHost(key: string): string {
  const stripped = key.replace(/^https?:\/\//i, "");
  const host = stripped.split("/", 1)[0]!.toLowerCase();
  return host === "docker.io" || host === "registry-1.docker.io" ? "index.docker.io" : host;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Parse and check the text of `file`. Never quotes the text: a JSON error gives only the line. */
export function parseDockerConfig(file: string, text: string): DockerConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    // V8's message may quote a piece of the text (a password): keep only the position.
    const pos = /position (\d+)/.exec(String((e as Error).message));
    const line = pos ? ` (line ${text.slice(0, Number(pos[1])).split("\n").length})` : "";
    throw bad(file, `it is not valid JSON${line}`);
  }
  if (!isObject(raw)) throw bad(file, "it is not a JSON object");
  const credHelpers: Array<[string, string]> = [];
  if (raw.credHelpers !== undefined && raw.credHelpers !== null) {
    if (!isObject(raw.credHelpers)) throw bad(file, '"credHelpers" is not an object');
    for (const [host, name] of Object.entries(raw.credHelpers)) {
      if (typeof name !== "string" || !HELPER_NAME.test(name)) throw bad(file, `credHelpers[${shown(host)}] is not a helper name (the part after docker-credential-)`);
      credHelpers.push([host, name]);
    }
  }
  let credsStore: string | undefined;
  if (raw.credsStore !== undefined && raw.credsStore !== null && raw.credsStore !== "") {
    if (typeof raw.credsStore !== "string" || !HELPER_NAME.test(raw.credsStore)) throw bad(file, '"credsStore" is not a helper name (the part after docker-credential-)');
    credsStore = raw.credsStore;
  }
  const auths: Array<[string, AuthEntry]> = [];
  if (raw.auths !== undefined && raw.auths !== null) {
    if (!isObject(raw.auths)) throw bad(file, '"auths" is not an object');
    for (const [host, entry] of Object.entries(raw.auths)) {
      if (!isObject(entry)) throw bad(file, `auths[${shown(host)}] is not an object`);
      const out: AuthEntry = {};
      for (const field of ["auth", "username", "password", "identitytoken", "registrytoken"] as const) {
        const v = entry[field];
        if (v === undefined || v === null || v === "") continue;
        if (typeof v !== "string") throw bad(file, `auths[${shown(host)}].${field} is not a string`);
        out[field] = v;
      }
      auths.push([host, out]);
    }
  }
  return { file, credHelpers, credsStore, auths };
}

/** The credential an auths entry holds, or undefined for an empty one (docker leaves `{}` when a helper keeps the secret). */
function entryCredential(file: string, key: string, e: AuthEntry): RegistryCredential | undefined {
  if (e.identitytoken) return { kind: "identity", token: e.identitytoken };
  if (e.registrytoken) return { kind: "bearer", token: e.registrytoken };
  if (e.auth) {
    const clean = e.auth.trim();
    const decoded = /^[A-Za-z0-9+/]*={0,2}$/.test(clean) && clean.length % 4 === 0 ? Buffer.from(clean, "base64").toString("utf8") : undefined;
    const colon = decoded?.indexOf(":") ?? -1;
    if (decoded === undefined || colon < 0) throw bad(file, `auths[${shown(key)}].auth is not base64 of user:password`);
    return { kind: "basic", username: decoded.slice(0, colon), password: decoded.slice(colon + 1).replace(/\0+$/, "") };
  }
  if (e.username !== undefined && e.password !== undefined) return { kind: "basic", username: e.username, password: e.password };
  return undefined;
}

/** The key of `entries` for `host`: the exact key first, then the first whose host part is the same. */
function pick<T>(entries: Array<[string, T]>, host: string): [string, T] | undefined {
  const exact = entries.find(([k]) => k === host);
  if (exact) return exact;
  const want = normalizeHost(host);
  return entries.find(([k]) => normalizeHost(k) === want);
}

/** The server a helper is asked about: the host as given; Docker Hub by the key docker logs in with. */
export const helperServer = (host: string) => (normalizeHost(host) === "index.docker.io" ? HUB_KEY : host);

/**
 * What `config` says for `host` (`host[:port]`): its credHelpers entry, then its auths entry (an
 * empty one does not count), then its credsStore.
 */
export function answerFor(config: DockerConfig, host: string): ConfigAnswer {
  const helper = pick(config.credHelpers, host);
  if (helper) return { kind: "helper", helper: helper[1], serverUrl: helperServer(host) };
  const entry = pick(config.auths, host);
  if (entry) {
    const credential = entryCredential(config.file, entry[0], entry[1]);
    if (credential) return { kind: "credential", credential };
  }
  if (config.credsStore) return { kind: "helper", helper: config.credsStore, serverUrl: helperServer(host) };
  return { kind: "none" };
}
