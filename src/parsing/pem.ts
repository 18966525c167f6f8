// PEM text (RFC 7468) split into its blocks by one linear scan. A regular expression
// with a back-reference to the label rescans to the end of the text for every BEGIN
// line that has no END: 2 MiB of BEGIN lines took 37 s (issue 10 item 2). Here every
// character is looked at a bounded number of times, and the size is checked first.
import { checkpoint, checkpointNow } from "./deadline.js";

/** Largest PEM text accepted: 16 MiB of DER as base64 with line breaks, plus room for several objects. */
export const MAX_PEM_CHARS = 32 * 1024 * 1024;
/** Longest label read (RFC 7468 3: labels are short words such as "X509 CRL"). */
const MAX_LABEL = 64;

export interface PemBlock {
  /** The label of the BEGIN and END lines. */
  readonly label: string;
  /** The text between the BEGIN and END lines, as written. */
  readonly body: string;
  /** The whole block, BEGIN and END lines included. */
  readonly text: string;
}

const BEGIN = "-----BEGIN ";
const END = "-----END ";
const DASHES = "-----";

/**
 * The blocks of `text` in order. A block runs from a BEGIN line to the first END line
 * after it; when several BEGIN lines precede one END line, the last of them starts the
 * block (the earlier ones have no END). A block whose END label differs from its BEGIN
 * label is skipped. Each search starts where the previous one stopped, and the backward
 * search for the last BEGIN stops at the previous block, so the scan is linear.
 * Throws RangeError when the text is over `MAX_PEM_CHARS`; callers name the input.
 */
export function scanPem(text: string): PemBlock[] {
  if (text.length > MAX_PEM_CHARS) throw new RangeError(`${text.length} characters of PEM exceeds the ${MAX_PEM_CHARS}-character cap`);
  const out: PemBlock[] = [];
  let pos = 0;
  let nextBegin = text.indexOf(BEGIN);
  for (;;) {
    checkpoint(); // the call's deadline (issue 10 item 3), once per block
    const endAt = text.indexOf(END, pos);
    if (endAt < 0) break;
    const endLabelAt = endAt + END.length;
    const endLabelStop = text.indexOf(DASHES, endLabelAt);
    if (endLabelStop < 0) break;
    const next = endLabelStop + DASHES.length;
    // The last BEGIN between the previous block and this END, searched forwards (never behind `pos`).
    // `nextBegin` only moves forwards, so all these searches together read the text once.
    let beginAt = -1;
    while (nextBegin >= 0 && nextBegin < endAt) {
      if (nextBegin >= pos) beginAt = nextBegin;
      nextBegin = text.indexOf(BEGIN, nextBegin + BEGIN.length);
    }
    if (beginAt >= 0 && endLabelStop - endLabelAt <= MAX_LABEL) {
      const labelAt = beginAt + BEGIN.length;
      const labelStop = text.indexOf(DASHES, labelAt);
      const label = text.slice(labelAt, labelStop);
      if (labelStop > 0 && labelStop < endAt && label.length <= MAX_LABEL && /^[A-Z0-9 ]*$/.test(label) && text.slice(endLabelAt, endLabelStop) === label) {
        out.push({ label, body: text.slice(labelStop + DASHES.length, endAt), text: text.slice(beginAt, next) });
      }
    }
    pos = next;
  }
  return out;
}

/**
 * Characters handled between two readings of the call's deadline: a 32 MiB text holds one
 * block of ~22 million base64 characters, whose whitespace removal, alphabet check and
 * decoding took ~400 ms as one step (bench/deadlines.mjs); a slice of 1 Mi characters takes
 * a few ms.
 */
const SLICE = 1 << 20;

/** A block body's base64 with whitespace removed, or undefined when it is not base64 (RFC 7468 3, RFC 4648 4). */
export function pemBase64(body: string): string | undefined {
  const parts: string[] = [];
  for (let i = 0; i < body.length; i += SLICE) {
    if (i) checkpointNow();
    const b = body.slice(i, i + SLICE).replace(/[\r\n\t ]/g, "");
    if (!/^[A-Za-z0-9+/=]*$/.test(b)) return undefined;
    parts.push(b);
  }
  const b = parts.join("");
  // Padding: at most two "=", only at the end.
  const pad = b.indexOf("=");
  if (pad >= 0 && (pad < b.length - 2 || (pad === b.length - 2 && b[b.length - 1] !== "="))) return undefined;
  return b;
}

/** Decodes base64 without whitespace (from `pemBase64`), a slice at a time, consulting the call's deadline between slices. */
export function decodeBase64(b64: string): Uint8Array {
  if (b64.length <= SLICE) return new Uint8Array(Buffer.from(b64, "base64"));
  const out = Buffer.alloc(Math.floor((b64.length * 3) / 4));
  let at = 0;
  // SLICE is a multiple of 4: every slice but the last is whole base64 quanta.
  for (let i = 0; i < b64.length; i += SLICE) {
    if (i) checkpointNow();
    at += out.write(b64.slice(i, i + SLICE), at, "base64");
  }
  return new Uint8Array(out.buffer, out.byteOffset, at);
}
