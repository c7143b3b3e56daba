import { llvmRecipe } from "./clang.js";

/** `llvm`: the clang recipe (the same llvm/llvm-project release tarballs) under the project's own name. */
export default llvmRecipe("llvm");
