// RFC 5280 6.1.4 (k): every intermediate is a CA (basicConstraints cA TRUE);
// 6.1.4 (l), (m): max_path_length, not counting self-issued certificates.
import { describe, expect, it } from "vitest";
import { expectError, expectValid, pki, run } from "./helpers.js";

const CA_RULE = "RFC 5280 6.1.4 (k)";
const LEN_RULE = "RFC 5280 6.1.4 (l)";

describe("NOT_A_CA (RFC 5280 6.1.4 (k))", () => {
  const p = pki("basic-constraints");
  const root = p.root("CN=BC Root");

  it("passes: the intermediate asserts cA TRUE", async () => {
    const ca = p.ca("CN=BC CA", root);
    expectValid(await run(p.ee("CN=BC EE", ca), { intermediates: [ca], anchors: [root] }));
  });

  it("fails: the intermediate's basicConstraints says cA FALSE", async () => {
    const notCa = p.ca("CN=BC Not CA", root, { extensions: { basicConstraints: { cA: false, critical: true } } });
    const r = await run(p.ee("CN=BC EE 1", notCa), { intermediates: [notCa], anchors: [root] });
    expectError(r, "NOT_A_CA", 1, "CN=BC Not CA", CA_RULE);
    expect(r.error!.message).toContain("cA is FALSE");
  });

  it("fails: the intermediate has no basicConstraints", async () => {
    const noBc = p.ca("CN=BC Absent", root, { extensions: { basicConstraints: null } });
    const r = await run(p.ee("CN=BC EE 2", noBc), { intermediates: [noBc], anchors: [root] });
    expectError(r, "NOT_A_CA", 1, "CN=BC Absent", CA_RULE);
    expect(r.error!.message).toContain("absent");
  });

  it("fails: a version 1 intermediate (it cannot carry basicConstraints)", async () => {
    const v1 = p.ca("CN=BC V1 CA", root, { version: 1 });
    const r = await run(p.ee("CN=BC EE 3", v1), { intermediates: [v1], anchors: [root] });
    expectError(r, "NOT_A_CA", 1, "CN=BC V1 CA", CA_RULE);
  });

  it("fails: the deeper of two intermediates is the non-CA one", async () => {
    const ca = p.ca("CN=BC Upper CA", root);
    const notCa = p.ca("CN=BC Lower Not CA", ca, { extensions: { basicConstraints: { cA: false } } });
    const r = await run(p.ee("CN=BC EE 4", notCa), { intermediates: [ca, notCa], anchors: [root] });
    expectError(r, "NOT_A_CA", 1, "CN=BC Lower Not CA", CA_RULE);
  });

  it("passes: the target itself needs no basicConstraints, and may be version 1", async () => {
    const ca = p.ca("CN=BC CA", root);
    expectValid(await run(p.ee("CN=BC V1 EE", ca, { version: 1 }), { intermediates: [ca], anchors: [root] }));
  });

  it("passes: a version 1 trust anchor (an anchor is a name and a key, RFC 5280 6.1.1 (d))", async () => {
    const v1Root = p.root("CN=BC V1 Root", { version: 1 });
    const ca = p.ca("CN=BC CA under V1", v1Root);
    expectValid(await run(p.ee("CN=BC EE 5", ca), { intermediates: [ca], anchors: [v1Root] }));
  });
});

describe("PATH_LENGTH_EXCEEDED (RFC 5280 6.1.4 (l), (m))", () => {
  const p = pki("path-length");
  const root = p.root("CN=PL Root");

  it("passes: pathLen 0 with an end entity directly below", async () => {
    const ca = p.ca("CN=PL Zero CA", root, { pathLen: 0 });
    expectValid(await run(p.ee("CN=PL EE 0", ca), { intermediates: [ca], anchors: [root] }));
  });

  it("fails: pathLen 0 with a sub-CA below (the sub-CA is the certificate that exceeds it)", async () => {
    const ca = p.ca("CN=PL Zero CA", root, { pathLen: 0 });
    const sub = p.ca("CN=PL Sub CA", ca);
    const r = await run(p.ee("CN=PL EE 1", sub), { intermediates: [ca, sub], anchors: [root] });
    expectError(r, "PATH_LENGTH_EXCEEDED", 1, "CN=PL Sub CA", LEN_RULE);
  });

  it("passes: pathLen 1 with one sub-CA", async () => {
    const ca = p.ca("CN=PL One CA", root, { pathLen: 1 });
    const sub = p.ca("CN=PL One Sub", ca);
    expectValid(await run(p.ee("CN=PL EE 2", sub), { intermediates: [ca, sub], anchors: [root] }));
  });

  it("fails: pathLen 1 with two sub-CAs, even when the lower one claims a larger pathLen", async () => {
    const ca = p.ca("CN=PL One CA", root, { pathLen: 1 });
    const sub = p.ca("CN=PL One Sub", ca, { pathLen: 5 });
    const sub2 = p.ca("CN=PL One Sub 2", sub);
    const r = await run(p.ee("CN=PL EE 3", sub2), { intermediates: [sub2, ca, sub], anchors: [root] });
    expectError(r, "PATH_LENGTH_EXCEEDED", 1, "CN=PL One Sub 2", LEN_RULE);
  });

  it("passes: a self-issued key-rollover certificate under pathLen 0 is not counted", async () => {
    const ca = p.ca("CN=PL Rollover CA", root, { pathLen: 0 });
    const newKey = p.rollover(ca, { pathLen: 0 }); // same name, new key, signed with the old key
    const ee = p.ee("CN=PL EE 4", newKey);
    const r = await run(ee, { intermediates: [ca, newKey], anchors: [root] });
    expectValid(r);
    expect(r.path.map((e) => e.subject)).toEqual(["CN=PL EE 4", "CN=PL Rollover CA", "CN=PL Rollover CA", "CN=PL Root"]);
  });

  it("fails: a rollover does not reset the count (pathLen 0, rollover, then a sub-CA)", async () => {
    const ca = p.ca("CN=PL Rollover CA", root, { pathLen: 0 });
    const newKey = p.rollover(ca);
    const sub = p.ca("CN=PL After Rollover", newKey);
    const r = await run(p.ee("CN=PL EE 5", sub), { intermediates: [ca, newKey, sub], anchors: [root] });
    expectError(r, "PATH_LENGTH_EXCEEDED", 1, "CN=PL After Rollover", LEN_RULE);
  });

  it("passes: the anchor's own pathLen is not applied with enforceAnchorConstraints false", async () => {
    const tight = p.root("CN=PL Tight Root", { pathLen: 0 });
    const ca = p.ca("CN=PL Under Tight", tight);
    expectValid(await run(p.ee("CN=PL EE 6", ca), { intermediates: [ca], anchors: [tight], options: { enforceAnchorConstraints: false } }));
  });
  it("fails by default: the anchor's own pathLen 0 applies (anchor constraints default on, RFC 5937 3.2)", async () => {
    const tight = p.root("CN=PL Tight Root", { pathLen: 0 });
    const ca = p.ca("CN=PL Under Tight", tight);
    expectError(await run(p.ee("CN=PL EE 6", ca), { intermediates: [ca], anchors: [tight] }), "PATH_LENGTH_EXCEEDED", 1, "CN=PL Under Tight", "RFC 5280 6.1.4 (l)");
  });
});
