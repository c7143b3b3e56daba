/** Activation: a project's (or a chain's) environment prepared, refreshed for the hook, and reported by status. */
export * from "./chain.js";
export * from "./here.js";
export * from "./prepare.js";
export * from "./refresh.js";
export * from "./status.js";
export * from "./which.js";
export * from "./launcher-cache.js";
