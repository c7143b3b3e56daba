/** gc: which store entries the projects still use, and the sweep that removes the rest. */
export * from "./plan.js";
export * from "./run.js";
