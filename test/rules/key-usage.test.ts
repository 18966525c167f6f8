// RFC 5280 6.1.4 (n): where keyUsage is present on an intermediate, keyCertSign is set.
import { describe, it } from "vitest";
import { expectError, expectValid, pki, run } from "./helpers.js";

const RULE = "RFC 5280 6.1.4 (n)";

describe("KEY_USAGE (RFC 5280 6.1.4 (n))", () => {
  const p = pki("key-usage");
  const root = p.root("CN=KU Root");

  it("passes: the intermediate asserts keyCertSign", async () => {
    const ca = p.ca("CN=KU CA", root, { extensions: { keyUsage: ["keyCertSign"] } });
    expectValid(await run(p.ee("CN=KU EE", ca), { intermediates: [ca], anchors: [root] }));
  });

  it("passes: the intermediate has no keyUsage extension at all", async () => {
    const ca = p.ca("CN=KU None CA", root, { extensions: { keyUsage: null } });
    expectValid(await run(p.ee("CN=KU EE 2", ca), { intermediates: [ca], anchors: [root] }));
  });

  it("fails: the intermediate's keyUsage lacks keyCertSign", async () => {
    const ca = p.ca("CN=KU Bad CA", root, { extensions: { keyUsage: ["digitalSignature", "cRLSign"] } });
    const r = await run(p.ee("CN=KU EE 3", ca), { intermediates: [ca], anchors: [root] });
    expectError(r, "KEY_USAGE", 1, "CN=KU Bad CA", RULE);
  });

  it("fails: the upper of two intermediates lacks keyCertSign", async () => {
    const upper = p.ca("CN=KU Upper", root, { extensions: { keyUsage: ["cRLSign"] } });
    const lower = p.ca("CN=KU Lower", upper);
    const r = await run(p.ee("CN=KU EE 4", lower), { intermediates: [upper, lower], anchors: [root] });
    expectError(r, "KEY_USAGE", 2, "CN=KU Upper", RULE);
  });

  it("passes: the target's keyUsage is not a CA matter (no keyCertSign needed)", async () => {
    const ca = p.ca("CN=KU CA", root);
    expectValid(await run(p.ee("CN=KU EE 5", ca, { extensions: { keyUsage: ["keyAgreement"] } }), { intermediates: [ca], anchors: [root] }));
  });

  it("passes: the anchor's keyUsage is not checked (RFC 5280 6.1.1 (d))", async () => {
    const odd = p.root("CN=KU Odd Root", { extensions: { keyUsage: ["digitalSignature"] } });
    const ca = p.ca("CN=KU Under Odd", odd);
    expectValid(await run(p.ee("CN=KU EE 6", ca), { intermediates: [ca], anchors: [odd] }));
  });
});
