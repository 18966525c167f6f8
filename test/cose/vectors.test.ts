// The COSE / TEEP vectors of `certpath testsuite export` (DIR/cose/): the command writes
// them (the compiled conformance kit, built by `npm test`), then every case is read back
// from the files and judged twice, by certpath (verifyTeep) and by an independent reader
// that uses only cborg and node:crypto (./independent-reader.ts); both must reach the
// manifest's verdict.
import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TeepTokenTracker, verify, verifyTeep } from "../../src/index.js";
import { main } from "../../src/cli/main.js";
import { COSE_EXPORT_FORMAT, type CoseCaseEntry, type CoseManifest } from "../../testsuite/src/cose-vectors.js";
import { capturingIo } from "../cli-io.js";
import { readVector, type ReaderInput } from "./independent-reader.js";

const dir = mkdtempSync(join(tmpdir(), "certpath-cose-vectors-"));
let manifest: CoseManifest;
const read = (f: string) => new Uint8Array(readFileSync(join(dir, f)));

function inputOf(c: CoseCaseEntry): ReaderInput {
  return {
    message: read(c.message),
    anchors: c.anchors.map(read),
    certificates: c.certificates.map(read),
    time: new Date(c.validationTime),
    policy: c.policy,
    ...(c.externalAad ? { externalAad: new Uint8Array(Buffer.from(c.externalAad, "hex")) } : {}),
    teep: c.teep,
  };
}

let said = "";
beforeAll(async () => {
  const io = capturingIo();
  expect(await main(["testsuite", "export", dir, "--suite", "cose"], { verify, io })).toBe(0);
  said = io.out;
  manifest = JSON.parse(readFileSync(join(dir, "cose", "manifest.json"), "utf8")) as CoseManifest;
});

describe("exported COSE/TEEP vectors", () => {
  it("the manifest lists the positive and negative cases the issue asks for", () => {
    expect(said).toMatch(/^exported 11 cases \(cose: 11\) to /);
    expect(manifest.format).toBe(COSE_EXPORT_FORMAT);
    const top = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    expect([top.suites.map((s: { name: string; manifest?: string }) => `${s.name} ${s.manifest}`), top.cases]).toEqual([["cose cose/manifest.json"], []]);
    expect(manifest.cases.map((c) => `${c.id}: ${c.expect.valid ? "valid" : c.expect.code}`)).toEqual([
      "tam-query-request: valid",
      "tam-query-request-rs256: valid",
      "x5t-with-unprotected-x5chain: valid",
      "unprotected-x5chain: SIGNER_NOT_PROTECTED",
      "missing-x5bag: NO_PATH",
      "expired-tam-certificate: EXPIRED",
      "untrusted-self-signed-root: NO_PATH",
      "policy-mapping-inhibited: POLICY",
      "signature-tampered: SIGNATURE_INVALID",
      "query-response-token: valid",
      "query-response-wrong-token: TOKEN_MISMATCH",
    ]);
    for (const c of manifest.cases) {
      expect(Buffer.from(readFileSync(join(dir, c.messageHex), "utf8").trim(), "hex").equals(Buffer.from(read(c.message)))).toBe(true);
      expect(JSON.parse(readFileSync(join(dir, c.dir, "case.json"), "utf8"))).toEqual(c);
    }
  });

  it("the independent reader (cborg + node:crypto only) reaches every manifest verdict", () => {
    const verdicts = manifest.cases.map((c) => {
      const r = readVector(inputOf(c));
      return `${c.id}: ${r.valid ? "valid" : r.code}${r.signer && c.expect.signer ? (r.signer === c.expect.signer ? "" : ` signer ${r.signer}`) : ""}`;
    });
    expect(verdicts).toEqual(manifest.cases.map((c) => `${c.id}: ${c.expect.valid ? "valid" : c.expect.code}`));
  });

  it("certpath (verifyTeep) reaches every manifest verdict, with the TEEP err-code", async () => {
    const verdicts: string[] = [];
    for (const c of manifest.cases) {
      const i = inputOf(c);
      const tokens = new TeepTokenTracker();
      for (const t of c.teep.outstandingTokens) tokens.track(new Uint8Array(Buffer.from(t, "hex")));
      const r = await verifyTeep(i.message, {
        anchors: i.anchors,
        certificates: i.certificates,
        time: i.time,
        policy: c.policy,
        expect: c.teep.expectTypes,
        ...(i.externalAad ? { externalAad: i.externalAad } : {}),
        ...(c.certificateInExternalAad ? { certificateInExternalAad: true } : {}),
        ...(c.teep.outstandingTokens.length ? { tokens } : {}),
      });
      verdicts.push(`${c.id}: ${r.valid ? "valid" : `${r.error!.code} ${r.error!.teepError}`}${r.cose.signer?.subject && c.expect.signer && r.cose.signer.subject !== c.expect.signer ? ` signer ${r.cose.signer.subject}` : ""}`);
    }
    expect(verdicts).toEqual(manifest.cases.map((c) => `${c.id}: ${c.expect.valid ? "valid" : `${c.expect.code} ${c.expect.teepError}`}`));
  });
});

process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
