/** The store as a whole: list its entries and verify or repair them. */
export * from "./list.js";
export * from "./verify.js";
