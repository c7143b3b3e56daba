/** The project use cases: load devenv.ts and devenv.lock, lock, install, edit, trust; the pipeline every command runs (sync); and what list/outdated/versions/search report. */
export * from "./catalog.js";
export * from "./edit.js";
export * from "./first-download.js";
export * from "./global.js";
export * from "./install.js";
export * from "./load.js";
export * from "./lock.js";
export * from "./record-sha256.js";
export * from "./report.js";
export * from "./sync.js";
export * from "./trust.js";
