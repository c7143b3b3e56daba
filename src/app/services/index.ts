/** Services: a project's Postgres and processes, run by one supervisor per project (`devenv up`). */
export * from "./detach.js";
export * from "./load.js";
