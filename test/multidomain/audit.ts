// The extension audit: every generated certificate, CRL and OCSP response is parsed back
// (certpath's own parsers, plus raw DER walks for the string and time types) and compared
// with what its description asks for, so a generator bug cannot make a case pass
// trivially. Driven by the description alone: nothing here knows a particular case.
import { createPublicKey, verify as cryptoVerify } from "node:crypto";
import { parseCertificate, KU, type DistributionPoint } from "../../src/parsing/certificate.js";
import { parseCrl } from "../../src/parsing/crl.js";
import { parseOcspResponse } from "../../src/parsing/ocsp.js";
import { generalNameText, type GeneralName } from "../../src/parsing/name.js";
import { contentOf, isPrintable } from "../../testsuite/src/generate/der.js";
import { tlvs, keyIdentifier } from "../../testsuite/src/generate/keys.js";
import { CRL_REASONS, EKU_OIDS, type DistributionPointInput, type StringEncoding } from "../../testsuite/src/generate/pki.js";
import { effectiveExtKeyUsage, effectiveKeyUsage, entityKey, isCaKind, relTime, type GeneratedCase } from "../../testsuite/src/multidomain/generate.js";
import type { CertDecl, EntityDecl, RelTime } from "../../testsuite/src/multidomain/model.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** Splits an RFC 4514 string on unescaped commas. */
function rdnStrings(name: string): string[] {
  const out: string[] = [];
  let cur = "";
  for (let i = 0; i < name.length; i++) {
    if (name[i] === "\\") cur += name[i]! + (name[++i] ?? "");
    else if (name[i] === ",") {
      out.push(cur);
      cur = "";
    } else cur += name[i];
  }
  out.push(cur);
  return out.map((r) => r.trim());
}

/** certpath's rendering of a DN written RFC 4514 style: most significant RDN first, ", " between. */
export function dnText(rfc4514: string): string {
  return rdnStrings(rfc4514)
    .reverse()
    .map((rdn) => {
      const eq = rdn.indexOf("=");
      return `${rdn.slice(0, eq).trim().toUpperCase()}=${rdn.slice(eq + 1).trim()}`;
    })
    .join(", ");
}

/** certpath's generalNameText for a generator general-name input ("dn:...", "uri:...", a bare URL, ...). */
export function generalNameExpected(input: string): string {
  const m = /^(dns|email|rfc822|uri|dn):([\s\S]*)$/i.exec(input);
  const [kind, v] = m ? [m[1]!.toLowerCase(), m[2]!] : [input.includes("://") ? "uri" : input.includes("@") ? "email" : input.includes("=") ? "dn" : "dns", input];
  switch (kind) {
    case "dn":
      return `DirName:${dnText(v)}`;
    case "uri":
      return `uniformResourceIdentifier:${v}`;
    case "email":
    case "rfc822":
      return `rfc822Name:${v}`;
    default:
      return `dNSName:${v}`;
  }
}

const texts = (l: readonly GeneralName[] | undefined) => (l ?? []).map(generalNameText);

function dpExpected(list: readonly DistributionPointInput[]) {
  return list.map((dp) => {
    const d = typeof dp === "string" ? { fullName: [dp] } : dp;
    return { fullName: (d.fullName ?? []).map(generalNameExpected), crlIssuer: (d.crlIssuer ?? []).map(generalNameExpected) };
  });
}
function dpParsed(list: readonly DistributionPoint[] | undefined) {
  return (list ?? []).map((d) => ({ fullName: texts(d.name?.fullName), crlIssuer: texts(d.crlIssuer) }));
}

/** Tag of every attribute value of a DER Name, with its attribute type OID's last arcs for messages. */
function nameValueTags(nameDer: Uint8Array): { typeDer: string; tag: number; value: string }[] {
  const out: { typeDer: string; tag: number; value: string }[] = [];
  for (const set of tlvs(contentOf(nameDer)))
    for (const atv of tlvs(contentOf(set))) {
      const [type, value] = tlvs(contentOf(atv));
      out.push({ typeDer: hex(type!), tag: value![0]!, value: Buffer.from(contentOf(value!)).toString("utf8") });
    }
  return out;
}
const OID_DER = { C: "0603550406", DC: "060a0992268993f22c640119" } as const;

/** The DirectoryString tag the generator must have used for each attribute of `name`. */
function expectedTags(name: string, enc: StringEncoding | undefined): number[] {
  // DER order is the reverse of the RFC 4514 string.
  return rdnStrings(name)
    .reverse()
    .map((rdn) => {
      const eq = rdn.indexOf("=");
      const type = rdn.slice(0, eq).trim().toUpperCase();
      const value = rdn.slice(eq + 1).trim();
      if (type === "C") return 0x13;
      if (type === "DC") return 0x16;
      if (enc === "utf8") return 0x0c;
      return isPrintable(value) ? 0x13 : 0x0c;
    });
}

/** The raw TBS fields: issuer Name, validity times (tag), subject Name. */
function tbsParts(tbs: Uint8Array) {
  const parts = tlvs(contentOf(tbs));
  const o = parts[0]![0] === 0xa0 ? 1 : 0;
  const validity = tlvs(contentOf(parts[3 + o]!));
  return { issuer: parts[2 + o]!, notBeforeTag: validity[0]![0]!, notAfterTag: validity[1]![0]!, subject: parts[4 + o]! };
}

function sigOk(tbs: Uint8Array, signature: Uint8Array, spki: Uint8Array): boolean {
  return cryptoVerify(null, tbs, createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" }), signature);
}

const sec = (d: Date) => Math.floor(d.getTime() / 1000);

/** Problems found in one generated case (empty when every object matches its description). */
export function auditCase(g: GeneratedCase): string[] {
  const s = g.scenario;
  const ref = new Date(s.referenceTime);
  const ents = new Map<string, EntityDecl>(s.entities.map((e) => [e.id, e]));
  const decls = new Map<string, CertDecl>(s.certs.map((c) => [c.id, c]));
  const problems: string[] = [];
  const check = (where: string, what: string, got: unknown, want: unknown) => {
    const a = JSON.stringify(got);
    const b = JSON.stringify(want);
    if (a !== b) problems.push(`${where}: ${what}: got ${a}, want ${b}`);
  };
  const DEFAULTS: Record<string, [number, number]> = { root: [-365, 3650], ca: [-180, 1825], cross: [-180, 1825], rollover: [-180, 1825] };

  for (const d of s.certs) {
    const gen = g.certs.get(d.id)!;
    const c = parseCertificate(gen.der, d.id);
    const w = `certificate ${d.id}`;
    const subj = ents.get(d.subject)!;
    const iss = ents.get(d.issuer)!;
    // Names, key, signature.
    check(w, "subject", c.subject.text, dnText(subj.name));
    check(w, "issuer", c.issuer.text, dnText(d.issuerName ?? iss.name));
    check(w, "public key", hex(c.publicKey.spki), hex(entityKey(subj).spki));
    if (!sigOk(c.tbs, c.signature, entityKey(iss).spki)) problems.push(`${w}: not signed by ${iss.id}'s key`);
    if (d.kind === "root" || d.kind === "rollover") check(w, "self-issued", c.selfIssued, true);
    const raw = tbsParts(c.tbs);
    const subjectEnc = d.stringEncoding ?? subj.stringEncoding;
    check(w, "subject string types", nameValueTags(raw.subject).map((x) => x.tag), expectedTags(subj.name, subjectEnc));
    check(
      w,
      "issuer string types",
      nameValueTags(raw.issuer).map((x) => x.tag),
      d.issuerName !== undefined ? expectedTags(d.issuerName, d.issuerStringEncoding ?? subjectEnc) : expectedTags(iss.name, iss.stringEncoding),
    );
    // Validity and its encoding.
    const [nb, na] = DEFAULTS[d.kind] ?? [-30, 365];
    const notBefore = relTime(ref, (d.notBefore ?? nb) as RelTime);
    const notAfter = relTime(ref, (d.notAfter ?? na) as RelTime);
    check(w, "notBefore", sec(c.notBefore), sec(notBefore));
    check(w, "notAfter", sec(c.notAfter), sec(notAfter));
    const timeTag = (t: Date) => (d.timeEncoding === "generalized" || t.getUTCFullYear() >= 2050 || t.getUTCFullYear() < 1950 ? 0x18 : 0x17);
    check(w, "time types", [raw.notBeforeTag, raw.notAfterTag], [timeTag(notBefore), timeTag(notAfter)]);
    // Extensions.
    check(w, "basicConstraints", c.basicConstraints ?? null, isCaKind(d.kind) ? { cA: true, ...(d.pathLen !== undefined ? { pathLen: d.pathLen } : {}) } : null);
    check(w, "keyUsage", c.keyUsage ?? null, effectiveKeyUsage(d).reduce((m, k) => m | (1 << KU[k === "contentCommitment" ? "nonRepudiation" : k]), 0));
    const eku = effectiveExtKeyUsage(d);
    check(w, "extKeyUsage", c.extKeyUsage ?? null, eku ? eku.map((e) => EKU_OIDS[e] ?? e) : null);
    check(w, "certificatePolicies", c.policies?.map((p) => p.policy) ?? null, d.policies ?? null);
    check(w, "policyMappings", c.policyMappings?.map((m) => [m.issuerDomainPolicy, m.subjectDomainPolicy]) ?? null, d.policyMappings ?? null);
    const pc = c.policyConstraints;
    check(
      w,
      "policyConstraints",
      pc ? { requireExplicitPolicy: pc.requireExplicitPolicy, inhibitPolicyMapping: pc.inhibitPolicyMapping } : null,
      d.policyConstraints ? { requireExplicitPolicy: d.policyConstraints.requireExplicitPolicy, inhibitPolicyMapping: d.policyConstraints.inhibitPolicyMapping } : null,
    );
    check(w, "inhibitAnyPolicy", c.inhibitAnyPolicy ?? null, d.inhibitAnyPolicy ?? null);
    const nc = c.nameConstraints;
    check(
      w,
      "nameConstraints",
      nc ? { permitted: (nc.permitted ?? []).map((t) => generalNameText(t.base)), excluded: (nc.excluded ?? []).map((t) => generalNameText(t.base)) } : null,
      d.nameConstraints
        ? { permitted: (d.nameConstraints.permitted ?? []).map(generalNameExpected), excluded: (d.nameConstraints.excluded ?? []).map(generalNameExpected) }
        : null,
    );
    check(w, "subjectAltName", c.subjectAltName ? texts(c.subjectAltName) : null, d.subjectAltName ? d.subjectAltName.map(generalNameExpected) : null);
    const aia = c.authorityInfoAccess;
    check(
      w,
      "authorityInfoAccess",
      aia ? aia.map((a) => `${a.method} ${generalNameText(a.location)}`).sort() : null,
      d.aia
        ? [
            ...(d.aia.ocsp ?? []).map((u) => `1.3.6.1.5.5.7.48.1 ${generalNameExpected(u)}`),
            ...(d.aia.caIssuers ?? []).map((u) => `1.3.6.1.5.5.7.48.2 ${generalNameExpected(u)}`),
          ].sort()
        : null,
    );
    check(w, "cRLDistributionPoints", c.crlDistributionPoints ? dpParsed(c.crlDistributionPoints) : null, d.crlDistributionPoints ? dpExpected(d.crlDistributionPoints) : null);
    check(w, "freshestCRL", c.freshestCrl ? dpParsed(c.freshestCrl) : null, d.freshestCrl ? dpExpected(d.freshestCrl) : null);
    check(w, "authorityKeyIdentifier", c.authorityKeyId?.keyId ?? null, d.authorityKeyId === false ? null : (d.authorityKeyId ?? hex(keyIdentifier(entityKey(iss).spki))));
    check(w, "subjectKeyIdentifier", c.subjectKeyId ?? null, d.subjectKeyId === false ? null : (d.subjectKeyId ?? hex(keyIdentifier(entityKey(subj).spki))));
    check(w, "ocspNoCheck", c.ocspNoCheck, d.kind === "ocsp-responder");
    check(w, "unknown critical extensions", c.unknownCriticalExtensions, []);
  }

  for (const d of s.crls ?? []) {
    const w = `CRL ${d.id}`;
    const crl = parseCrl(g.crls.get(d.id)!.der, d.id);
    const issuer = ents.get(d.issuer)!;
    check(w, "issuer", crl.issuer.text, dnText(issuer.name));
    if (!sigOk(crl.tbs, crl.signature, entityKey(ents.get(d.signer ?? d.issuer)!).spki)) problems.push(`${w}: not signed by ${d.signer ?? d.issuer}'s key`);
    check(w, "crlNumber", crl.crlNumber?.toString() ?? null, String(d.crlNumber ?? 1));
    check(w, "deltaCRLIndicator", crl.deltaBase?.toString() ?? null, d.deltaBase !== undefined ? String(d.deltaBase) : null);
    check(w, "thisUpdate", sec(crl.thisUpdate), sec(relTime(ref, d.thisUpdate ?? -1)));
    check(w, "nextUpdate", crl.nextUpdate ? sec(crl.nextUpdate) : null, d.nextUpdate === null ? null : sec(relTime(ref, d.nextUpdate ?? 7)));
    let currentIssuer = "crl-issuer";
    check(
      w,
      "entries",
      crl.revoked.entries().map((e) => ({
        serial: e.serial,
        reason: e.reason ?? null,
        date: sec(e.revocationDate),
        issuer: e.certificateIssuer === "crl-issuer" ? "crl-issuer" : texts(e.certificateIssuer).join("|"),
      })),
      (d.entries ?? []).map((e) => {
        if (e.certificateIssuer) currentIssuer = `DirName:${dnText(ents.get(e.certificateIssuer)!.name)}`;
        return {
          serial: g.certs.get(e.cert)!.serial.toString(16),
          reason: e.reason ? CRL_REASONS[e.reason] : null,
          date: sec(relTime(ref, e.date ?? -1)),
          issuer: currentIssuer,
        };
      }),
    );
    const idp = crl.issuingDistributionPoint;
    const want = d.issuingDistributionPoint;
    check(
      w,
      "issuingDistributionPoint",
      idp ? { fullName: texts(idp.name?.fullName), user: idp.onlyUserCerts, ca: idp.onlyCACerts, indirect: idp.indirectCRL, someReasons: idp.onlySomeReasons !== undefined } : null,
      want
        ? {
            fullName: (want.fullName ?? []).map(generalNameExpected),
            user: !!want.onlyContainsUserCerts,
            ca: !!want.onlyContainsCACerts,
            indirect: !!want.indirectCRL,
            someReasons: want.onlySomeReasons !== undefined,
          }
        : null,
    );
    check(w, "freshestCRL", crl.freshestCrl ? dpParsed(crl.freshestCrl) : null, d.freshestCrl ? dpExpected(d.freshestCrl) : null);
    check(w, "authorityKeyIdentifier", crl.authorityKeyId?.keyId ?? null, hex(keyIdentifier(entityKey(ents.get(d.signer ?? d.issuer)!).spki)));
  }

  for (const d of s.ocsp ?? []) {
    const w = `OCSP response ${d.id}`;
    const r = parseOcspResponse(g.ocsp.get(d.id)!.der, d.id);
    const target = g.certs.get(d.cert)!;
    const signerKey = entityKey(ents.get(d.signer)!);
    check(w, "responseStatus", r.status, 0);
    check(w, "responderID byKey", r.responderKeyHash ?? null, hex(keyIdentifier(signerKey.spki)));
    if (!sigOk(r.tbs!, r.signature!, signerKey.spki)) problems.push(`${w}: not signed by ${d.signer}'s key`);
    check(w, "certs", r.certs.map((c) => hex(c.der)), (d.include ?? []).map((id) => hex(g.certs.get(id)!.der)));
    check(w, "single responses", r.responses.length, 1);
    const one = r.responses[0]!;
    const targetCert = parseCertificate(target.der);
    check(w, "serial", one.serial, targetCert.serial);
    check(w, "issuerKeyHash", one.issuerKeyHash, hex(keyIdentifier(entityKey(ents.get(decls.get(d.cert)!.issuer)!).spki)));
    check(w, "status", one.status, d.status);
    check(w, "thisUpdate", sec(one.thisUpdate), sec(relTime(ref, d.thisUpdate ?? -0.5)));
    check(w, "nextUpdate", one.nextUpdate ? sec(one.nextUpdate) : null, d.nextUpdate === null ? null : sec(relTime(ref, d.nextUpdate ?? 3.5)));
    if (d.status === "revoked") {
      check(w, "revocationTime", one.revocationTime ? sec(one.revocationTime) : null, sec(relTime(ref, d.revokedAt ?? -1)));
      check(w, "reason", one.reason ?? null, d.reason ? CRL_REASONS[d.reason] : null);
    }
  }

  // The case: the bag is a permutation of the description's, the expected path a chain.
  check("case", "bag order", [...g.bagOrder].sort(), [...s.case.bag].sort());
  const path = s.expect.path ?? [];
  for (let i = 0; i + 1 < path.length; i++) {
    const child = decls.get(path[i]!)!;
    const parent = decls.get(path[i + 1]!)!;
    const childIssuer = ents.get(child.issuer)!;
    const parentSubject = ents.get(parent.subject)!;
    if (hex(entityKey(childIssuer).spki) !== hex(entityKey(parentSubject).spki)) problems.push(`expected path: ${child.id} is not signed by the key of ${parent.id}`);
  }
  return problems;
}
