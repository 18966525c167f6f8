export { verify } from "./api/verify.js";
export * from "./api/types.js";
export * from "./cose/index.js";
