// What the values of a directory entry are (RFC 4523 2, RFC 2587 5): certificates from
// cACertificate and userCertificate, both elements of each crossCertificatePair (each an
// untrusted candidate: the forward one names this CA as subject, the reverse one as
// issuer), CRLs from certificateRevocationList, authorityRevocationList and
// deltaRevocationList. Every value is parsed like any other input, nothing is trusted.
import { parseCertificate, type Certificate } from "../parsing/certificate.js";
import { parseCertificatePair } from "../parsing/certificate-pair.js";
import { parseCrl, type Crl } from "../parsing/crl.js";
import { MAX_BUNDLE_CERTS } from "../parsing/bundle.js";
import type { LdapValue } from "./ldap.js";

export const CERTIFICATE_ATTRIBUTES = ["cacertificate", "usercertificate"];
export const PAIR_ATTRIBUTE = "crosscertificatepair";
export const CRL_ATTRIBUTES = ["certificaterevocationlist", "authorityrevocationlist", "deltarevocationlist"];

/** The certificates among the values (at most MAX_BUNDLE_CERTS, like a .p7c). */
export function ldapCertificates(values: readonly LdapValue[], url: string): Certificate[] {
  const out: Certificate[] = [];
  values.forEach((v, i) => {
    const what = `${url} ${v.attribute}[${i}]`;
    if (CERTIFICATE_ATTRIBUTES.includes(v.attribute)) out.push(parseCertificate(v.value, what));
    else if (v.attribute === PAIR_ATTRIBUTE) {
      const pair = parseCertificatePair(v.value, what);
      if (pair.forward) out.push(parseCertificate(pair.forward, `${what}.forward`));
      if (pair.reverse) out.push(parseCertificate(pair.reverse, `${what}.reverse`));
    }
  });
  return out.slice(0, MAX_BUNDLE_CERTS);
}

/** The CRLs among the values (full, authority and delta CRLs alike: the CRL itself says which it is). */
export function ldapCrls(values: readonly LdapValue[], url: string): Crl[] {
  return values.flatMap((v, i) => (CRL_ATTRIBUTES.includes(v.attribute) ? [parseCrl(v.value, `${url} ${v.attribute}[${i}]`)] : []));
}
