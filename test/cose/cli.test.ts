// `certpath cose verify|sign|inspect` through the command dispatcher, on real files: what
// it signs verifies (CBOR or hex), its JSON says what the library says, exit statuses are
// those of `certpath verify` (0 valid, 1 invalid, 2 usage or unreadable file).
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../src/cli/main.js";
import { verify } from "../../src/index.js";
import { encodeTeep, TEEP_TYPE } from "../../src/index.js";
import { capturingIo } from "../cli-io.js";
import { DEVICE_POLICY, NOW, teepWorld } from "./helpers.js";

const w = teepWorld("cose-cli");
const dir = mkdtempSync(join(tmpdir(), "certpath-cose-cli-"));
const file = (name: string, data: Uint8Array | string) => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};
const ee = w.signer("p256");
const expired = w.signer("p256", "CN=TAM Signer,O=TAM Operator", { keySeed: "expired", notBefore: -400, notAfter: -35 });
const F = {
  key: file("tam.key", ee.key.privateKey!.export({ format: "pem", type: "pkcs8" }) as string),
  expiredKey: file("expired.key", expired.key.privateKey!.export({ format: "der", type: "pkcs8" }) as Buffer),
  chain: file("chain.pem", [ee, w.tamCa, w.tamRoot].map((e) => e.pem).join("")),
  expiredChain: file("expired-chain.pem", [expired, w.tamCa, w.tamRoot].map((e) => e.pem).join("")),
  bag: file("bag.pem", [w.tamRootByBridge, w.bridgeByDevice].map((e) => e.pem).join("")),
  anchor: file("device-root.pem", w.deviceRoot.pem),
  teep: file("update.cbor", encodeTeep({ type: TEEP_TYPE.UPDATE, token: new Uint8Array(8).fill(3) })),
  notCose: file("not-cose.hex", "a1 01 02\n"),
};
const AT = ["--at", NOW.toISOString()];

async function run(...argv: string[]) {
  const io = capturingIo();
  const code = await main(argv, { verify, io });
  return { code, out: io.out, err: io.err };
}

describe("certpath cose", () => {
  it("sign writes hex; verify reads the hex file: valid through the bridge, JSON like the library's result", async () => {
    const s = await run("cose", "sign", F.teep, "--key", F.key, "--alg", "ESP256", "--x5chain", F.chain, "--x5bag", F.bag);
    expect([s.code, s.err]).toEqual([0, ""]);
    expect(s.out).toMatch(/^d284[0-9a-f]+\n$/);
    const msg = file("update.cose.hex", s.out);
    const v = await run("cose", "verify", msg, "--anchor", F.anchor, "--policy", DEVICE_POLICY, "--explicit-policy", ...AT, "--teep", "--json");
    expect([v.code, v.err]).toEqual([0, ""]);
    const j = JSON.parse(v.out);
    expect([j.valid, j.kind, j.algName, j.signer.subject, j.path.length, j.policies, j.error]).toEqual([true, "COSE_Sign1", "ESP256", "O=TAM Operator, CN=TAM Signer", 5, [DEVICE_POLICY], null]);
    expect(j.path.at(-1).subject).toBe("O=Device Maker, CN=Device Trust Root");
    expect(j.teep.type).toBe("Update");
    expect(j.thumbprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it("sign --out writes CBOR; an expired signer is INVALID with exit 1 and TEEP err-code 9", async () => {
    const out = join(dir, "expired.cose");
    const s = await run("cose", "sign", F.teep, "--key", F.expiredKey, "--alg", "-9", "--x5chain", F.expiredChain, "--x5bag", F.bag, "--out", out);
    expect([s.code, s.out, s.err]).toEqual([0, "", ""]);
    expect(readFileSync(out)[0]).toBe(0xd2);
    const v = await run("cose", "verify", out, "--anchor", F.anchor, ...AT, "--json");
    const j = JSON.parse(v.out);
    expect([v.code, j.valid, j.error.code, j.error.teepError, j.error.certIndex]).toEqual([1, false, "EXPIRED", 9, 0]);
    const text = await run("cose", "verify", out, "--anchor", F.anchor, ...AT);
    expect(text.out).toMatch(/^INVALID\nCOSE_Sign1 ESP256 \(-9\)\n[\s\S]*error: EXPIRED: [\s\S]*TEEP err-code 9, err-msg "certificate expired: O=TAM Operator, CN=TAM Signer \(#0\)"\n$/);
  });

  it("without the bridge certificates the path is not found (NO_PATH, exit 1); --untrusted supplies them", async () => {
    const s = await run("cose", "sign", F.teep, "--key", F.key, "--alg", "ESP256", "--x5chain", F.chain);
    const msg = file("nobag.hex", s.out);
    expect(JSON.parse((await run("cose", "verify", msg, "--anchor", F.anchor, ...AT, "--json")).out).error.code).toBe("NO_PATH");
    const ok = await run("cose", "verify", msg, "--anchor", F.anchor, "--untrusted", F.bag, ...AT, "--json");
    expect([ok.code, JSON.parse(ok.out).valid]).toEqual([0, true]);
  });

  it("inspect prints the structure, the certificates and the TEEP message without verifying", async () => {
    const s = await run("cose", "sign", F.teep, "--key", F.key, "--alg", "ESP256", "--x5chain", F.chain, "--x5bag", F.bag, "--kid", "0a0b");
    const i = await run("cose", "inspect", file("i.hex", s.out), "--json");
    expect(i.code).toBe(0);
    const j = JSON.parse(i.out);
    expect([j.kind, j.tagged, j.alg, j.protected["4"], j.signatureBytes, j.teep.type]).toEqual(["COSE_Sign1", true, "ESP256", "0a0b", 64, "Update"]);
    expect(j.certificates.map((c: { header: string; subject: string }) => `${c.header}: ${c.subject}`)).toEqual([
      "x5chain: O=TAM Operator, CN=TAM Signer",
      "x5chain: O=TAM Operator, CN=TAM CA",
      "x5chain: O=TAM Operator, CN=TAM Root",
      "x5bag: O=TAM Operator, CN=TAM Root",
      "x5bag: O=TEE Bridge, CN=TEE Bridge CA",
    ]);
  });

  it("a message that is not COSE: verify MALFORMED_COSE (exit 1, TEEP err-code 1), inspect exit 1", async () => {
    const v = await run("cose", "verify", F.notCose, "--anchor", F.anchor, "--json");
    expect([v.code, JSON.parse(v.out).error.code, JSON.parse(v.out).error.teepError]).toEqual([1, "MALFORMED_COSE", 1]);
    const i = await run("cose", "inspect", F.notCose, "--json");
    expect([i.code, JSON.parse(i.out).error.code]).toEqual([1, "MALFORMED_COSE"]);
  });

  it("usage errors and unreadable files exit 2", async () => {
    expect((await run("cose", "verify", F.notCose)).code).toBe(2);
    expect((await run("cose", "verify", join(dir, "absent"), "--anchor", F.anchor)).err).toMatch(/cannot read .*absent: no such file/);
    expect((await run("cose", "sign", F.teep, "--key", F.key, "--alg", "RS256")).err).toMatch(/--key does not fit --alg: RS256 \(-257\) needs an RSA key/);
    expect((await run("cose", "sign", F.teep, "--key", F.key, "--alg", "XX")).code).toBe(2);
    expect((await run("cose", "frobnicate")).code).toBe(2);
    expect((await run("cose", "verify", F.notCose, "--anchor", F.notCose)).err).toMatch(/not a usable trust anchor/);
    const help = await run("cose", "--help");
    expect([help.code, help.out.startsWith("Usage: certpath cose verify MESSAGE")]).toEqual([0, true]);
  });
});

process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
