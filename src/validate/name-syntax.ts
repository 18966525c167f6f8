// Syntax of the name forms that the profile rules (profile.ts) and the name-constraint
// engine (name-constraints.ts) both examine: host names (RFC 1034 3.5, RFC 1123 2.1) and
// mailboxes (RFC 5321 4.1.2, as RFC 5280 4.2.1.6 asks of an rfc822Name).
//
// isHostName is a character loop rather than split(".") and a regular expression per
// label: on a leaf with 2,048 dNSNames under 4,096 subtrees (bench/name-constraints.mjs)
// the split-and-test form was about 15% of the call.

/** RFC 5321 4.1.2 local part: a dot-atom of atext, or a quoted string. */
const ATOM = "[a-z0-9!#$%&'*+/=?^_`{|}~-]+";
const QUOTED = '"(?:[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\\x20-\\x7e])*"';
const LOCAL_PART = new RegExp(`^(?:${ATOM}(?:\\.${ATOM})*|${QUOTED})$`, "i");

export function isMailboxLocalPart(local: string): boolean {
  return LOCAL_PART.test(local);
}

/**
 * A host name: 1 to 253 characters of non-empty labels of at most 63 letters (either
 * case), digits, "-" and "_" ("_" is common in practice), no trailing dot. With
 * `hyphenAtEdges` false, a label may not begin or end with "-" (RFC 1034 3.5).
 */
export function isHostName(s: string, hyphenAtEdges = true): boolean {
  const n = s.length;
  if (n === 0 || n > 253) return false;
  let labelStart = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? s.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      const len = i - labelStart;
      if (len === 0 || len > 63) return false;
      if (!hyphenAtEdges && (s.charCodeAt(labelStart) === 0x2d || s.charCodeAt(i - 1) === 0x2d)) return false;
      labelStart = i + 1;
      continue;
    }
    const lower = c | 0x20;
    if (!((lower >= 0x61 && lower <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f)) return false;
  }
  return true;
}

/** An RFC 5321 Mailbox `local@domain` whose domain is a host name or an address literal in brackets. */
export function isMailbox(v: string, hyphenAtEdges = true): boolean {
  const at = v.lastIndexOf("@");
  if (at <= 0) return false;
  const domain = v.slice(at + 1);
  return isMailboxLocalPart(v.slice(0, at)) && (isHostName(domain, hyphenAtEdges) || /^\[[^\]]+\]$/.test(domain));
}
