// Trust anchor stores per TEEP role, loaded from PEM files, DER certificates, RFC 5914
// TrustAnchorInfo / TrustAnchorChoice and bare SPKIs.
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keyIdentifier, toPem } from "../../testsuite/src/generate/pki.js";
import { octets, seq, tlv, utf8 } from "../../testsuite/src/generate/der.js";
import { COSE_ALG, CoseTrustAnchorStore, TeepTrustAnchors, TEEP_ROLES, verifyCoseSign1, type CoseVerifyOptions } from "../../src/index.js";
import { devicePolicy, expectFailure, expectValid, NOW, signedBy, teepWorld } from "./helpers.js";

const w = teepWorld("cose-anchor-tests");
const message = signedBy(w, w.tamSigner, COSE_ALG.ESP256);
const check = (anchors: CoseVerifyOptions["anchors"]) => verifyCoseSign1(message, { anchors, policy: devicePolicy, time: NOW });
const dir = mkdtempSync(join(tmpdir(), "certpath-cose-anchors-"));
const file = (name: string, data: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};

/** RFC 5914 2: TrustAnchorInfo { pubKey, keyId, taTitle, certPath { taName } } of the device root. */
const tai = seq(w.deviceRoot.key.spki, octets(keyIdentifier(w.deviceRoot.key.spki)), utf8("device TAM anchor"), seq(w.deviceRoot.nameDer));

describe("CoseTrustAnchorStore", () => {
  it("loads a PEM file mixing certificates and a PUBLIC KEY", () => {
    const pem = w.agentRoot.pem + w.deviceRoot.pem + toPem(w.tamSigner.key.spki, "PUBLIC KEY");
    const s = CoseTrustAnchorStore.fromFiles("mixed", file("mixed.pem", pem));
    expect(s.trustAnchors).toHaveLength(2);
    expect(s.rawKeys).toHaveLength(1);
    expect(s.rawKeys[0]!.label).toContain("mixed.pem");
  });

  it("verifies through anchors from a PEM certificate file", async () => {
    expectValid(await check(CoseTrustAnchorStore.fromFiles("tam", file("device.pem", w.deviceRoot.pem))));
  });

  it("verifies through anchors from a DER certificate file", async () => {
    expectValid(await check(CoseTrustAnchorStore.fromFiles("tam", file("device.der", w.deviceRoot.der))));
  });

  it("verifies through an RFC 5914 TrustAnchorInfo (DER file, PEM TRUST ANCHOR, TrustAnchorChoice [2])", async () => {
    expectValid(await check(CoseTrustAnchorStore.fromFiles("tam", file("device.tai", tai))));
    expectValid(await check(new CoseTrustAnchorStore("tam").add(toPem(tai, "TRUST ANCHOR"))));
    expectValid(await check(new CoseTrustAnchorStore("tam").addTrustAnchorInfo(tlv(0xa2, tai))));
  });

  it("an SPKI is a raw-key anchor; with a subject, a path anchor too", async () => {
    const bare = CoseTrustAnchorStore.fromFiles("tam", file("device.spki.der", w.deviceRoot.key.spki));
    expect(bare.trustAnchors).toHaveLength(0);
    expect(bare.rawKeys).toHaveLength(1);
    expectFailure(await check(bare), "NO_PATH", 6);
    const named = new CoseTrustAnchorStore("tam").addSpki(toPem(w.deviceRoot.key.spki, "PUBLIC KEY"), { subject: "O=Device Maker, CN=Device Trust Root" });
    expect(named.trustAnchors).toHaveLength(1);
    expectValid(await check(named));
  });

  it("refuses malformed anchor input at load time", () => {
    expect(() => new CoseTrustAnchorStore().add(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x01))).toThrow();
    expect(() => new CoseTrustAnchorStore().add("no pem here")).toThrow();
    expect(() => new CoseTrustAnchorStore().addSpki(Uint8Array.of(0x30, 0x00))).toThrow();
  });
});

describe("TeepTrustAnchors: one store per role", () => {
  it("loads each role from its files and keeps them apart", async () => {
    const t = TeepTrustAnchors.fromFiles({
      tam: [file("tam.pem", w.deviceRoot.pem)],
      agent: [file("agent.der", w.agentRoot.der)],
      trustedComponentSigner: [file("tc.tai", tai)],
      verifier: [file("verifier.pem", toPem(w.tamSigner.key.spki, "PUBLIC KEY"))],
    });
    expect(TEEP_ROLES.map((r) => t.for(r).size)).toEqual([1, 1, 1, 1]);
    expectValid(await check(t.tam));
    expectFailure(await check(t.agent), "NO_PATH", 6);
    // The verifier role holds the TAM signer's raw key, but a message naming an X.509 signer is never checked against raw keys.
    expectFailure(await check(t.verifier), "NO_PATH", 6);
    expect(() => t.for("bogus" as never)).toThrow(TypeError);
  });
});
