export { verify } from "./api/verify.js";
export * from "./api/types.js";
