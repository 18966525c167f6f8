// Untrusted certificates (intermediates, an x5bag, files given with --untrusted) are
// read leniently: an entry that cannot be read, or a corrupt PEM block among good ones in
// a bundle, is skipped with a warning naming it, as the directory source does. Only a
// malformed target or anchor fails a call.
import { MalformedError } from "./errors.js";
import { parseCertificates, type Certificate } from "./certificate.js";
import { describeInput } from "./sniff.js";

/** Most warnings written for one entry (a bundle of 1000 garbage blocks gets a count instead). */
const MAX_WARNINGS_PER_ENTRY = 5;

const CERT_BEGIN = /^-----BEGIN (X509 |TRUSTED )?CERTIFICATE-----/;

/** The text of each PEM block (BEGIN line to END line), by a linear scan. */
function pemBlockTexts(text: string): string[] {
  const out: string[] = [];
  let at = 0;
  for (;;) {
    const begin = text.indexOf("-----BEGIN ", at);
    if (begin < 0) break;
    const end = text.indexOf("-----END ", begin + 11);
    if (end < 0) break;
    const close = text.indexOf("-----", end + 9);
    if (close < 0) break;
    out.push(text.slice(begin, close + 5));
    at = close + 5;
  }
  return out;
}

function skipped(e: MalformedError, input: Uint8Array | string): string {
  const found = describeInput(input);
  return `skipped an unreadable untrusted certificate: ${e.message} (${e.code})${found ? `; it holds ${found}` : ""}`;
}

/**
 * The certificates of one untrusted entry. A PEM bundle whose blocks do not all parse
 * gives the blocks that do, and a warning per block that does not.
 */
export function parseUntrustedCertificates(input: Uint8Array | string, label: string, warnings: string[]): Certificate[] {
  try {
    return parseCertificates(input, label);
  } catch (e) {
    if (!(e instanceof MalformedError)) throw e;
    const text = typeof input === "string" ? input : input.length && input[0] !== 0x30 ? Buffer.from(input).toString("latin1") : undefined;
    // Blocks of other kinds (a key, a CRL) are passed over, as the whole-text parse does.
    const blocks = (text !== undefined && text.length <= 64 * 1024 * 1024 ? pemBlockTexts(text) : []).filter((b) => CERT_BEGIN.test(b));
    if (blocks.length <= 1) {
      warnings.push(skipped(e, input));
      return [];
    }
    const out: Certificate[] = [];
    let bad = 0;
    blocks.forEach((b, i) => {
      try {
        out.push(...parseCertificates(b, `${label}#${i}`));
      } catch (be) {
        if (!(be instanceof MalformedError)) throw be;
        if (++bad <= MAX_WARNINGS_PER_ENTRY) warnings.push(skipped(be, b));
      }
    });
    if (bad > MAX_WARNINGS_PER_ENTRY) warnings.push(`skipped ${bad - MAX_WARNINGS_PER_ENTRY} more unreadable PEM blocks of ${label} (${bad} of ${blocks.length} in all)`);
    return out;
  }
}
