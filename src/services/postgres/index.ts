/** services.postgres: the server's ProcessSpec (with its prepare step) and the variables clients need. */
export { postgresEnv, postgresSpec, type PostgresSpecOptions } from "./spec.js";
export { inspectDataDir, pgMajor } from "./datadir.js";
export { serverUser } from "./user.js";
