/**
 * Registry credentials where the container tools keep them (issue 18): DEVENV_CACHE_TOKEN for every
 * host; then podman/skopeo's $REGISTRY_AUTH_FILE; then docker's $DOCKER_CONFIG/config.json or
 * ~/.docker/config.json. In each file: credHelpers[host], then auths[host], then credsStore
 * (docker-config.ts). A missing file is no credentials; a file that cannot be read or understood
 * is an error naming it (never quoting it). Each host is looked up once per process.
 */
import { join } from "node:path";
import { FileShapeError, readRegularFile } from "../platform/fs.js";
import { askHelper } from "./credential-helper.js";
import { answerFor, fileHint, parseDockerConfig, type DockerConfig } from "./docker-config.js";
import { CacheError } from "./errors.js";
import type { CredentialSource, RegistryCredential } from "./types.js";

/** A credentials file larger than this is not one. */
const MAX_CONFIG_BYTES = 4 << 20;

export interface CredentialOptions {
  /** How long a credential helper may take (default 10 s). */
  helperTimeoutMs?: number;
}

/** The files looked in, first first. */
export function credentialFiles(env: NodeJS.ProcessEnv): string[] {
  const files: string[] = [];
  if (env.REGISTRY_AUTH_FILE) files.push(env.REGISTRY_AUTH_FILE);
  if (env.DOCKER_CONFIG) files.push(join(env.DOCKER_CONFIG, "config.json"));
  else if (env.HOME) files.push(join(env.HOME, ".docker", "config.json"));
  return files;
}

function readConfig(file: string): DockerConfig | undefined {
  let bytes: Buffer | undefined;
  try {
    bytes = readRegularFile(file, MAX_CONFIG_BYTES);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOTDIR") return undefined;
    const why = e instanceof FileShapeError ? e.reason : code === "EACCES" || code === "EPERM" ? "permission denied" : code ?? String(e);
    throw new CacheError("unauthorized", `cannot read the registry credentials in ${file}: ${why}`, { hint: fileHint(file), cause: e });
  }
  return bytes === undefined ? undefined : parseDockerConfig(file, bytes.toString("utf8"));
}

async function lookupIn(env: NodeJS.ProcessEnv, host: string, opts: CredentialOptions): Promise<RegistryCredential | undefined> {
  if (env.DEVENV_CACHE_TOKEN) return { kind: "bearer", token: env.DEVENV_CACHE_TOKEN };
  for (const file of credentialFiles(env)) {
    const config = readConfig(file);
    if (!config) continue;
    const answer = answerFor(config, host);
    if (answer.kind === "credential") return answer.credential;
    if (answer.kind === "helper") {
      const found = await askHelper({ helper: answer.helper, serverUrl: answer.serverUrl, file, env, timeoutMs: opts.helperTimeoutMs });
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * Answers (and failures) by host and by the environment that decides them: a second lookup of the
 * same host in the same process neither reads the files again nor runs a helper again.
 */
const memo = new Map<string, Promise<RegistryCredential | undefined>>();
const ENV_KEYS = ["DEVENV_CACHE_TOKEN", "REGISTRY_AUTH_FILE", "DOCKER_CONFIG", "HOME", "PATH"] as const;

export function dockerCredentials(env: NodeJS.ProcessEnv, opts: CredentialOptions = {}): CredentialSource {
  const envKey = JSON.stringify(ENV_KEYS.map((k) => env[k] ?? null));
  return {
    lookup(host: string) {
      const key = `${host.toLowerCase()}\0${envKey}`;
      let answer = memo.get(key);
      if (!answer) {
        answer = lookupIn(env, host, opts);
        memo.set(key, answer);
      }
      return answer;
    },
  };
}
