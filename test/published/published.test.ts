// End to end: `certpath verify TARGET --anchor TA --fetch --revocation hard` with nothing
// else (but --allow-private-addresses: the published PKI is on loopback) finds and
// validates the path across the published bridge-of-bridges PKI (the kit's
// testsuite/src/published: a Node HTTP repository and a real slapd), for a target in each
// domain, every CRL fetched from HTTP or LDAP as the certificates say; then the same
// through a real forward proxy with every direct connection refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verify, sharedFetchCache } from "../../src/index.js";
import { main } from "../../src/cli/main.js";
import { capturingIo } from "../cli-io.js";
import { startPublishedPki, type RunningPublishedPki } from "../../testsuite/src/published/serve.js";
import type { PublishedCa } from "../../testsuite/src/published/pki.js";
import { startForwardProxy, type ForwardProxy } from "../net/servers.js";

let pub: RunningPublishedPki;
let proxy: ForwardProxy;

beforeAll(async () => {
  pub = await startPublishedPki();
  proxy = await startForwardProxy();
});

afterAll(async () => {
  await proxy?.close();
  await pub?.stop();
});

interface JsonOut {
  valid: boolean;
  path: { subject: string; sha256: string }[];
  error: { code: string; message: string } | null;
  revocation?: { certIndex: number; status: string; source?: string }[];
  fetched?: string[];
}

/** One CLI run, in process; the process-wide fetch cache is emptied first, so every fetch of the run goes to the servers. */
async function cli(args: string[]): Promise<{ code: number; out: JsonOut; err: string }> {
  sharedFetchCache.clear();
  const io = capturingIo();
  const code = await main(["verify", ...args, "--json"], { verify, io });
  return { code, out: JSON.parse(io.out) as JsonOut, err: io.err };
}

const base = (t: "A" | "B" | "C") => [pub.files.targets[t], "--anchor", pub.files.anchor, "--fetch", "--revocation", "hard", "--allow-private-addresses"];
const esc = (s: string) => s.replace(/[.?*+()[\]\\^$|{}]/g, "\\$&");
/** certpath's printed form of a generator name: X.500 order, ", " between RDNs. */
const printed = (name: string) => name.split(",").reverse().join(", ");

/** What each domain's path is, target first, anchor last, and the CRL URLs its certificates name. */
function expected(t: "A" | "B" | "C") {
  const c = pub.pki.cas;
  const chains: Record<typeof t, { subjects: string[]; crlFrom: [PublishedCa, "ee" | "ca"][] }> = {
    A: { subjects: ["CN=Alice,O=Domain A,C=US", c.issuingA.name, c.rootA.name], crlFrom: [[c.issuingA, "ee"], [c.rootA, "ca"]] },
    B: {
      subjects: ["CN=Bob,O=Domain B,C=US", c.issuingB.name, c.rootB.name, c.bridgeX.name, c.rootA.name],
      crlFrom: [[c.issuingB, "ee"], [c.rootB, "ca"], [c.bridgeX, "ca"], [c.rootA, "ca"]],
    },
    C: {
      subjects: ["CN=Carol,O=Domain C,C=US", c.issuingC.name, c.rootC.name, c.bridgeY.name, c.bridgeX.name, c.rootA.name],
      crlFrom: [[c.issuingC, "ee"], [c.rootC, "ca"], [c.bridgeY, "ca"], [c.bridgeX, "ca"], [c.rootA, "ca"]],
    },
  };
  const e = chains[t];
  return { subjects: e.subjects.map(printed), crlUrls: e.crlFrom.flatMap(([ca, kind]) => (kind === "ee" ? ca.crlForEe : ca.crlForCa)) };
}

function expectPathAndCrls(out: JsonOut, t: "A" | "B" | "C") {
  const want = expected(t);
  expect(out.error, out.error ? `${out.error.code}: ${out.error.message}\n${(out.fetched ?? []).join("\n")}` : "").toBeNull();
  expect(out.valid).toBe(true);
  expect(out.path.map((p) => p.subject)).toEqual(want.subjects);
  expect(out.revocation?.map((r) => r.status)).toEqual(want.subjects.slice(0, -1).map(() => "good"));
  // Every CRL the path's certificates name, over the scheme they name (LDAP for Domain C and Bridge Y).
  for (const u of want.crlUrls) expect(out.fetched, `CRL ${u}`).toContainEqual(expect.stringMatching(new RegExp(`^fetched ${esc(u)}: `)));
}

describe("certpath verify across the published PKI (three domains, two bridges)", () => {
  it("Domain A (HTTP): the anchor's own domain", async () => {
    const r = await cli(base("A"));
    expect(r.code).toBe(0);
    expectPathAndCrls(r.out, "A");
  });

  it("Domain B (HTTP and LDAP): through Bridge X; both publications of Domain B fetched", async () => {
    const r = await cli(base("B"));
    expect(r.code).toBe(0);
    expectPathAndCrls(r.out, "B");
    expect(r.out.fetched!.filter((f) => f.startsWith("fetched ldap://")).length).toBeGreaterThan(0);
    expect(r.out.fetched!.filter((f) => f.startsWith("fetched http://")).length).toBeGreaterThan(0);
  });

  it("Domain C (LDAP): through Bridge Y and Bridge X, issuers from cACertificate and crossCertificatePair", async () => {
    const r = await cli(base("C"));
    expect(r.code).toBe(0);
    expectPathAndCrls(r.out, "C");
    const c = pub.pki.cas;
    // The AIA hops in LDAP: Issuing CA C's entry, Root CA C's (its pair with Bridge Y), Bridge Y's (its pair with Bridge X).
    for (const ca of [c.issuingC, c.rootC, c.bridgeY]) expect(r.out.fetched).toContainEqual(expect.stringMatching(new RegExp(`^fetched ${esc(ca.aia[0]!)}: LDAP `)));
    expect(r.out.fetched!.every((f) => f.startsWith("fetched "))).toBe(true);
  });
});

describe("the same through a forward proxy, direct connections refused", () => {
  it("without --proxy nothing can be fetched: NO_PATH for Domain C", async () => {
    pub.refuseDirect();
    try {
      const r = await cli(base("C"));
      expect(r.code).toBe(1);
      expect(r.out.error?.code).toBe("NO_PATH");
      expect(r.out.fetched?.length).toBeGreaterThan(0);
      expect(r.out.fetched!.every((f) => f.startsWith("failed "))).toBe(true);
    } finally {
      pub.allowDirect();
    }
  });

  it("with --proxy: every domain's path found and validated, every fetch through the proxy", async () => {
    pub.refuseDirect();
    const refusedBefore = pub.refused();
    try {
      for (const t of ["A", "B", "C"] as const) {
        const r = await cli([...base(t), "--proxy", proxy.url]);
        expect(r.code, `${t}: ${r.out.error?.message}`).toBe(0);
        expectPathAndCrls(r.out, t);
      }
      expect(pub.refused()).toBe(refusedBefore);
      expect(proxy.seen).toContainEqual(`CONNECT ${pub.ldapHostport}`);
      expect(proxy.seen.some((s) => s.startsWith(`GET ${pub.httpBase}/`))).toBe(true);
    } finally {
      pub.allowDirect();
    }
  });
});
