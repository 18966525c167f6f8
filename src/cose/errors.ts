// The one error type the COSE layer throws internally; `verifyCose*` turns it into a
// `valid: false` result with the code, the TEEP error code and an err-msg.
import type { CoseErrorCode } from "./types.js";

export class CoseError extends Error {
  constructor(
    readonly code: CoseErrorCode,
    message: string,
    /** Index of the failing certificate in the signer's path (0 = end entity), when one is known. */
    readonly certIndex?: number,
    /** Subject of the certificate the failure is about, for err-msg. */
    readonly subject?: string,
  ) {
    super(message);
    this.name = "CoseError";
  }
}
