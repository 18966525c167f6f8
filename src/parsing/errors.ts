// The one error type the parsing layer throws. The API layer turns it into a
// `MALFORMED_*` result naming the input; it never escapes `verify`.
export type MalformedCode =
  | "MALFORMED_CERTIFICATE"
  | "MALFORMED_CRL"
  | "MALFORMED_OCSP_RESPONSE"
  | "MALFORMED_INPUT";

export class MalformedError extends Error {
  constructor(
    readonly code: MalformedCode,
    message: string,
  ) {
    super(message);
    this.name = "MalformedError";
  }
}
