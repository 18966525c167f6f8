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
 * decoding took ~300-400 ms as one step (bench/deadlines.mjs); a slice of 256 Ki characters
 * takes a few ms, and no step handles the whole block at once.
 */
const SLICE = 1 << 18;

/**
 * A block body's bytes (RFC 7468 3: base64, RFC 4648 4, with whitespace between), or
 * undefined when it is not base64 (a character outside the alphabet, or "=" other than at
 * most two at the end). Cleaned, checked and decoded a slice at a time.
 */
export function pemDecode(body: string): Uint8Array | undefined {
  const out = Buffer.allocUnsafeSlow(Math.floor((body.length * 3) / 4) + 3);
  let at = 0;
  let carry = ""; // base64 characters of an unfinished 4-character quantum
  let pad = 0; // "=" seen: only more "=" may follow
  for (let i = 0; i < body.length; i += SLICE) {
    if (i) checkpointNow();
    const c = body.slice(i, i + SLICE).replace(/[\r\n\t ]/g, "");
    if (!/^[A-Za-z0-9+/=]*$/.test(c)) return undefined;
    const p = c.indexOf("=");
    if (pad > 0 || p >= 0) {
      const tail = pad > 0 ? c : c.slice(p);
      if (!/^=*$/.test(tail)) return undefined;
      pad += tail.length;
      if (pad > 2) return undefined;
    }
    const data = carry + c;
    const whole = i + SLICE >= body.length ? data.length : data.length - (data.length % 4);
    at += out.write(data.slice(0, whole), at, "base64");
    carry = data.slice(whole);
  }
  return new Uint8Array(out.buffer, out.byteOffset, at);
}
