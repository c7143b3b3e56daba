/** The watcher: a background process that refreshes watched projects when their inputs change. */
export * from "./child.js";
export * from "./daemon.js";
export * from "./refresh.js";
export * from "./watcher.js";
