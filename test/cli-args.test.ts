// The CLI without a process and without the engine: argument parsing, file splitting,
// the flags -> VerifyOptions mapping, output formats and exit statuses, with a fake verify.
import { capturingIo } from "./cli-io.js";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { VerifyOptions, VerifyResult } from "../src/api/types.js";
import { isOid, parseArgs, parseIsoTime, UsageError, type OptionSpec } from "../src/cli/args.js";
import { looksLikePem, pemBlocks, splitInputs } from "../src/cli/inputs.js";
import { main } from "../src/cli/main.js";
import { buildVerifyOptions, formatReport, toJsonReport, verifyCommand, VERIFY_OPTIONS } from "../src/cli/verify-command.js";

const PK = "testsuite/vectors/pkits";
const der = (f: string) => new Uint8Array(readFileSync(`${PK}/certs/${f}`));
const crlDer = (f: string) => new Uint8Array(readFileSync(`${PK}/crls/${f}`));
const pem = (label: string, d: Uint8Array) =>
  `-----BEGIN ${label}-----\n${Buffer.from(d).toString("base64").match(/.{1,64}/g)!.join("\n")}\n-----END ${label}-----\n`;
const enc = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));

const SPECS: OptionSpec[] = [
  { name: "flag", kind: "flag", help: "" },
  { name: "one", kind: "value", help: "" },
  { name: "many", kind: "list", help: "" },
  { name: "mode", kind: "value", choices: ["a", "b"], help: "" },
  { name: "help", kind: "flag", short: "h", help: "" },
];

describe("parseArgs", () => {
  it("parses flags, values, lists, = forms and positionals", () => {
    const p = parseArgs(["x", "--flag", "--one", "1", "--many=a", "y", "--many", "b", "--mode=b", "-h"], SPECS);
    expect(p.positionals).toEqual(["x", "y"]);
    expect([...p.flags].sort()).toEqual(["flag", "help"]);
    expect(p.values.get("one")).toBe("1");
    expect(p.values.get("mode")).toBe("b");
    expect(p.lists.get("many")).toEqual(["a", "b"]);
  });

  it("-- ends options; a lone - is positional", () => {
    const p = parseArgs(["--flag", "--", "--one", "-"], SPECS);
    expect(p.positionals).toEqual(["--one", "-"]);
    expect(parseArgs(["-"], SPECS).positionals).toEqual(["-"]);
  });

  it.each([
    [["--nope"], /unknown option --nope/],
    [["-x"], /unknown option -x/],
    [["--one"], /needs a value/],
    [["--one", "--flag"], /needs a value/],
    [["--one="], /non-empty/],
    [["--flag=1"], /takes no value/],
    [["--one", "1", "--one", "2"], /more than once/],
    [["--mode", "c"], /must be one of a, b/],
    [["--mny", "x"], /did you mean --many/],
  ])("rejects %j", (argv, msg) => {
    expect(() => parseArgs(argv, SPECS)).toThrow(UsageError);
    expect(() => parseArgs(argv, SPECS)).toThrow(msg);
  });

  it("keeps the order of repeated list options (property)", () => {
    const name = fc.stringMatching(/^[a-zA-Z0-9_./][a-zA-Z0-9_./-]{0,20}$/);
    fc.assert(
      fc.property(fc.array(name, { maxLength: 8 }), fc.array(name, { maxLength: 4 }), (files, pos) => {
        const argv = [...pos, ...files.flatMap((f) => ["--many", f])];
        const p = parseArgs(argv, SPECS);
        expect(p.lists.get("many") ?? []).toEqual(files);
        expect(p.positionals).toEqual(pos);
      }),
    );
  });
});

describe("small parsers", () => {
  it("isOid", () => {
    for (const ok of ["2.5.29.32.0", "1.3.6.1.5.5.7.3.1", "0.9"]) expect(isOid(ok)).toBe(true);
    for (const bad of ["", "2", "3.1", "2.5.", "2..5", "2.05", "a.b", "anyPolicy"]) expect(isOid(bad)).toBe(false);
  });

  it("parseIsoTime: zone-less means UTC; invalid dates are usage errors", () => {
    expect(parseIsoTime("2011-04-15T00:00:00Z").toISOString()).toBe("2011-04-15T00:00:00.000Z");
    expect(parseIsoTime("2011-04-15").toISOString()).toBe("2011-04-15T00:00:00.000Z");
    expect(parseIsoTime("2011-04-15T12:30").toISOString()).toBe("2011-04-15T12:30:00.000Z");
    expect(parseIsoTime("2011-04-15T02:00:00+02:00").toISOString()).toBe("2011-04-15T00:00:00.000Z");
    expect(parseIsoTime("2011-04-15T02:00:00+0200").toISOString()).toBe("2011-04-15T00:00:00.000Z");
    expect(parseIsoTime("2011-04-15T00:00:00.5Z").toISOString()).toBe("2011-04-15T00:00:00.500Z");
    for (const bad of ["yesterday", "2011-02-30", "2011-13-01", "15/04/2011", "2011-04-15T25:00:00Z", "1302825600"]) {
      expect(() => parseIsoTime(bad), bad).toThrow(UsageError);
    }
  });
});

describe("input files", () => {
  const ee = der("ValidCertificatePathTest1EE.crt");
  const ca = der("GoodCACert.crt");
  const crl = crlDer("GoodCACRL.crl");

  it("DER is passed through as one Uint8Array", () => {
    expect(looksLikePem(ee)).toBe(false);
    expect(splitInputs(ee, "certificate")).toEqual([ee]);
  });

  it("a PEM bundle is split into one canonical PEM string per block of the wanted kind", () => {
    const text = `junk before\n${pem("CERTIFICATE", ee)}\n${pem("X509 CRL", crl)}${pem("X509 CERTIFICATE", ca)}${pem("PRIVATE KEY", new Uint8Array([1, 2]))}`;
    const certs = splitInputs(enc(text), "certificate");
    expect(certs).toEqual([pem("CERTIFICATE", ee), pem("CERTIFICATE", ca)]);
    expect(splitInputs(enc(text), "crl")).toEqual([pem("X509 CRL", crl)]);
  });

  it("OCSP PEM blocks are decoded to DER", () => {
    const body = new Uint8Array([0x30, 3, 10, 1, 0]);
    expect(splitInputs(enc(pem("OCSP RESPONSE", body)), "ocsp")).toEqual([body]);
  });

  it("PEM without a block of the wanted kind goes to the library whole", () => {
    const text = pem("X509 CRL", crl);
    expect(splitInputs(enc(text), "certificate")).toEqual([text]);
  });

  it("pemBlocks round-trips any DER blobs (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 200 }), { minLength: 1, maxLength: 5 }), (blobs) => {
        const text = blobs.map((b) => pem("CERTIFICATE", b)).join("\r\n");
        const blocks = pemBlocks(text);
        expect(blocks.map((b) => new Uint8Array(Buffer.from(b.body, "base64")))).toEqual(blobs);
      }),
    );
  });
});

/** In-memory files and captured output. */
function fakeIo(files: Record<string, Uint8Array | string>) {
  return capturingIo(
    (p: string): Uint8Array => {
      const f = files[p];
      if (f === undefined) throw Object.assign(new Error(`ENOENT: ${p}`), { code: "ENOENT" });
      return typeof f === "string" ? enc(f) : f;
    },
    () => {},
  );
}

function recordingVerify(result: VerifyResult) {
  const calls: VerifyOptions[] = [];
  const verify = async (o: VerifyOptions) => {
    calls.push(o);
    return result;
  };
  return { calls, verify };
}

const ee = der("ValidCertificatePathTest1EE.crt");
const ca = der("GoodCACert.crt");
const ta = der("TrustAnchorRootCertificate.crt");
const crl1 = crlDer("GoodCACRL.crl");
const crl2 = crlDer("TrustAnchorRootCRL.crl");
const FILES = {
  "ee.der": ee,
  "ca.der": ca,
  "ta.der": ta,
  "ta.pem": pem("CERTIFICATE", ta),
  "chain.pem": pem("CERTIFICATE", ee) + pem("CERTIFICATE", ca),
  "crls.pem": pem("X509 CRL", crl1) + pem("X509 CRL", crl2),
  "crl.der": crl1,
  "ocsp.der": new Uint8Array([0x30, 0]),
};

const VALID: VerifyResult = {
  valid: true,
  path: [
    { subject: "C=US, O=Test Certificates 2011, CN=Valid EE Certificate Test1", der: ee },
    { subject: "C=US, O=Test Certificates 2011, CN=Good CA", der: ca },
    { subject: "C=US, O=Test Certificates 2011, CN=Trust Anchor", der: ta },
  ],
  policies: ["2.16.840.1.101.3.2.1.48.1"],
};
const INVALID: VerifyResult = {
  valid: false,
  path: VALID.path,
  policies: [],
  error: { code: "REVOKED", message: "revoked by CRL", certIndex: 0 },
  candidates: [{ path: VALID.path.map((p) => p.subject), error: { code: "REVOKED", message: "revoked by CRL", certIndex: 0 } }],
  revocation: [
    { certIndex: 0, status: "revoked", source: "CRL issued by Good CA", revocationTime: new Date("2010-01-01T00:00:00Z"), reason: "keyCompromise" },
    { certIndex: 1, status: "good" },
  ],
  warnings: ["something to note"],
};

describe("buildVerifyOptions", () => {
  const build = (argv: string[]) => buildVerifyOptions(parseArgs(argv, VERIFY_OPTIONS), fakeIo(FILES).readFile);

  it("maps every contract flag to the library's options", () => {
    const { options, notes } = build([
      "ee.der", "--anchor", "ta.pem", "--untrusted", "ca.der", "--crl", "crls.pem", "--crl", "crl.der",
      "--ocsp-response", "ocsp.der", "--revocation", "hard", "--fetch", "--at", "2011-04-15T00:00:00Z",
      "--policy", "2.16.840.1.101.3.2.1.48.1", "--policy", "2.16.840.1.101.3.2.1.48.2,anyPolicy",
      "--explicit-policy", "--inhibit-mapping", "--inhibit-any", "--eku", "serverAuth", "--eku", "1.2.3.4",
      "--enforce-anchor-constraints", "--max-depth", "8", "--timeout-ms", "5000", "--json",
    ]);
    expect(notes).toEqual([]);
    expect(options).toEqual({
      target: ee,
      trustAnchors: [pem("CERTIFICATE", ta)],
      intermediates: [ca],
      time: new Date("2011-04-15T00:00:00Z"),
      policy: {
        initialPolicySet: ["2.16.840.1.101.3.2.1.48.1", "2.16.840.1.101.3.2.1.48.2", "2.5.29.32.0"],
        explicitPolicy: true,
        policyMappingInhibit: true,
        anyPolicyInhibit: true,
      },
      revocation: { crls: [pem("X509 CRL", crl1), pem("X509 CRL", crl2), crl1], ocspResponses: [FILES["ocsp.der"]], mode: "hard", fetch: true },
      extendedKeyUsage: ["1.3.6.1.5.5.7.3.1", "1.2.3.4"],
      enforceAnchorConstraints: true,
      limits: { maxDepth: 8, timeoutMs: 5000 },
    } satisfies VerifyOptions);
  });

  it("--no-anchor-constraints, --profile, --max-name-constraint-checks (issue 9)", () => {
    expect(build(["ee.der", "--anchor", "ta.der", "--no-anchor-constraints", "--profile", "strict", "--max-name-constraint-checks", "500"]).options).toEqual({
      target: ee,
      trustAnchors: [ta],
      enforceAnchorConstraints: false,
      profile: "strict",
      limits: { maxNameConstraintChecks: 500 },
    });
    expect(build(["ee.der", "--anchor", "ta.der", "--profile", "rfc5280"]).options.profile).toBe("rfc5280");
    expect(() => build(["ee.der", "--anchor", "ta.der", "--profile", "lax"])).toThrow(UsageError);
    expect(() => build(["ee.der", "--anchor", "ta.der", "--enforce-anchor-constraints", "--no-anchor-constraints"])).toThrow(/contradict/);
  });

  it("minimal call: only target and anchors, library defaults for the rest", () => {
    expect(build(["ee.der", "--anchor", "ta.der"]).options).toEqual({ target: ee, trustAnchors: [ta] });
  });

  it("a TARGET bundle: first certificate is the target, the rest untrusted (before --untrusted)", () => {
    const { options, notes } = build(["chain.pem", "--anchor", "ta.der", "--untrusted", "ca.der"]);
    expect(options.target).toBe(pem("CERTIFICATE", ee));
    expect(options.intermediates).toEqual([pem("CERTIFICATE", ca), ca]);
    expect(notes[0]).toMatch(/TARGET holds 2 certificates/);
  });

  it("notes that CRLs without --revocation are not checked", () => {
    expect(build(["ee.der", "--anchor", "ta.der", "--crl", "crl.der"]).notes[0]).toMatch(/without --revocation/);
  });

  it.each([
    [[], /missing TARGET/],
    [["ee.der"], /--anchor FILE is required/],
    [["ee.der", "ca.der", "--anchor", "ta.der"], /expected one TARGET/],
    [["ee.der", "--anchor", "ta.der", "--policy", "nist1"], /not a dotted OID/],
    [["ee.der", "--anchor", "ta.der", "--eku", "webAuth"], /not a dotted OID or one of serverAuth/],
    [["ee.der", "--anchor", "ta.der", "--at", "now"], /ISO 8601/],
    [["ee.der", "--anchor", "ta.der", "--max-depth", "0"], /positive integer/],
  ])("usage error for %j", (argv, msg) => {
    expect(() => build(argv)).toThrow(msg);
  });
});

describe("output", () => {
  it("JSON: exactly valid, path (subject, sha256), policies, error (null when valid)", () => {
    const j = toJsonReport(VALID);
    expect(Object.keys(j)).toEqual(["valid", "path", "policies", "error"]);
    expect(j.error).toBeNull();
    expect(j.path[1]).toEqual({ subject: "C=US, O=Test Certificates 2011, CN=Good CA", sha256: createHash("sha256").update(ca).digest("hex") });
    expect(toJsonReport(INVALID).error).toEqual({ code: "REVOKED", message: "revoked by CRL", certIndex: 0 });
    expect(toJsonReport({ valid: false, path: [], policies: [], error: { code: "NO_PATH", message: "none" } }).error).toEqual({ code: "NO_PATH", message: "none" });
  });

  it("readable report shows verdict, path, error, revocation, candidates and warnings", () => {
    const v = formatReport(VALID);
    expect(v).toMatch(/^VALID\n/);
    expect(v).toContain("[2] C=US, O=Test Certificates 2011, CN=Trust Anchor  (trust anchor");
    expect(v).toContain("policies: 2.16.840.1.101.3.2.1.48.1");
    const i = formatReport(INVALID);
    expect(i).toMatch(/^INVALID\n/);
    expect(i).toContain("error: REVOKED: revoked by CRL");
    expect(i).toContain("at certificate [0] C=US, O=Test Certificates 2011, CN=Valid EE Certificate Test1");
    expect(i).toContain("[0] revoked at 2010-01-01T00:00:00.000Z (keyCompromise) - CRL issued by Good CA");
    expect(i).toContain("candidate paths tried: 1");
    expect(i).toContain("- something to note");
  });
});

describe("output of deviations (default profile)", () => {
  const WITH_DEVIATIONS: VerifyResult = {
    ...VALID,
    deviations: [{ certIndex: 1, rule: "policyConstraints-critical", section: "RFC 5280 4.2.1.11" }],
  };
  it("readable report: a deviations line saying the path would fail strict, then each one", () => {
    const v = formatReport(WITH_DEVIATIONS);
    expect(v).toContain("deviations: 1 strict-profile rule(s) broken (valid under rfc5280, invalid under --profile strict):\n  [1] C=US, O=Test Certificates 2011, CN=Good CA: policyConstraints-critical (RFC 5280 4.2.1.11)\n");
    expect(formatReport({ ...VALID, deviations: [] })).not.toContain("deviations");
  });
  it("readable report: a CRL rule's deviation names the CRL after the certificate whose status it gave", () => {
    const crl = "CRL revocation.crls[0] issued by C=US, O=Test Certificates 2011, CN=Good CA (thisUpdate 2010-01-01T08:30:00.000Z, number 1)";
    const v = formatReport({ ...VALID, deviations: [{ certIndex: 0, rule: "crl-authorityKeyIdentifier-present", section: "RFC 5280 5.2.1", crl }] });
    expect(v).toContain(`deviations: 1 strict-profile rule(s) broken (valid under rfc5280, invalid under --profile strict):\n  [0] ${VALID.path[0]!.subject}: crl-authorityKeyIdentifier-present (RFC 5280 5.2.1) in ${crl}\n`);
  });
  it("JSON: \"deviations\" after the contract's four fields when there are some", () => {
    const j = toJsonReport(WITH_DEVIATIONS);
    expect(Object.keys(j)).toEqual(["valid", "path", "policies", "error", "deviations"]);
    expect(j.deviations).toEqual(WITH_DEVIATIONS.deviations);
    expect(Object.keys(toJsonReport({ ...VALID, deviations: [] }))).toEqual(["valid", "path", "policies", "error"]);
  });
});

describe("verifyCommand", () => {
  it("exit 0 and one JSON line for a valid result", async () => {
    const io = fakeIo(FILES);
    const { calls, verify } = recordingVerify(VALID);
    expect(await verifyCommand(["ee.der", "--anchor", "ta.der", "--json"], { verify, io })).toBe(0);
    expect(calls).toHaveLength(1);
    expect(io.out.endsWith("\n")).toBe(true);
    expect(io.out.trim().split("\n")).toHaveLength(1);
    expect(JSON.parse(io.out)).toEqual(toJsonReport(VALID));
  });

  it("exit 1 for an invalid result, readable report without --json", async () => {
    const io = fakeIo(FILES);
    expect(await verifyCommand(["ee.der", "--anchor", "ta.der"], { verify: recordingVerify(INVALID).verify, io })).toBe(1);
    expect(io.out).toMatch(/^INVALID/);
  });

  it("exit 2 on usage errors and unreadable files, message on stderr, verify not called", async () => {
    for (const argv of [
      ["ee.der"],
      ["ee.der", "--anchor", "missing.der"],
      ["missing.der", "--anchor", "ta.der"],
      ["ee.der", "--anchor", "ta.der", "--crl", "missing.crl"],
      ["ee.der", "--anchor", "ta.der", "--revocation", "strict"],
      ["ee.der", "--anchor", "ta.der", "--bogus"],
    ]) {
      const io = fakeIo(FILES);
      const { calls, verify } = recordingVerify(VALID);
      expect(await verifyCommand(argv, { verify, io }), argv.join(" ")).toBe(2);
      expect(calls).toHaveLength(0);
      expect(io.out).toBe("");
      expect(io.err).toMatch(/^certpath verify: /);
    }
  });

  it("exit 3 when the engine throws", async () => {
    const io = fakeIo(FILES);
    const verify = async (): Promise<VerifyResult> => {
      throw new TypeError("bug");
    };
    expect(await verifyCommand(["ee.der", "--anchor", "ta.der"], { verify, io })).toBe(3);
    expect(io.err).toContain("internal error");
  });

  it("--help prints usage and exits 0", async () => {
    const io = fakeIo(FILES);
    expect(await verifyCommand(["--help"], { verify: recordingVerify(VALID).verify, io })).toBe(0);
    expect(io.out).toContain("certpath verify TARGET --anchor FILE");
    for (const s of VERIFY_OPTIONS) expect(io.out).toContain(`--${s.name}`);
  });
});

describe("main", () => {
  it("dispatches, and rejects missing or unknown commands with 2", async () => {
    const deps = () => ({ verify: recordingVerify(VALID).verify, io: fakeIo(FILES) });
    expect(await main(["verify", "ee.der", "--anchor", "ta.der"], deps())).toBe(0);
    expect(await main(["--help"], deps())).toBe(0);
    const v = deps();
    expect(await main(["--version"], v)).toBe(0);
    expect(v.io.out).toMatch(/^certpath \d+\.\d+\.\d+/);
    expect(await main([], deps())).toBe(2);
    expect(await main(["frobnicate"], deps())).toBe(2);
  });
});
