// RFC 5280 4.2.1.12: the target is valid for the purposes the caller asks for;
// anyExtendedKeyUsage, or no extKeyUsage at all, means any purpose.
import { describe, expect, it } from "vitest";
import { EKU_OIDS, type Entity } from "../../testsuite/src/generate/pki.js";
import { expectError, expectValid, pki, run } from "./helpers.js";

const RULE = "RFC 5280 4.2.1.12";
const SERVER = EKU_OIDS.serverAuth!;
const CLIENT = EKU_OIDS.clientAuth!;

describe("EXTENDED_KEY_USAGE (RFC 5280 4.2.1.12)", () => {
  const p = pki("eku");
  const root = p.root("CN=EKU Root");
  const ca = p.ca("CN=EKU CA", root);
  const go = (ee: Entity, extendedKeyUsage: string[], cas: Entity[] = [ca]) => run(ee, { intermediates: cas, anchors: [root], options: { extendedKeyUsage } });
  const server = p.ee("CN=EKU Server", ca, { extensions: { extKeyUsage: ["serverAuth"] } });

  it("passes: the requested purpose is present", async () => {
    expectValid(await go(server, [SERVER]));
  });

  it("fails: the requested purpose is missing", async () => {
    const r = await go(server, [CLIENT]);
    expectError(r, "EXTENDED_KEY_USAGE", 0, "CN=EKU Server", RULE);
    expect(r.error!.message).toContain(CLIENT);
  });

  it("fails: one of two requested purposes is missing", async () => {
    const r = await go(server, [SERVER, CLIENT]);
    expectError(r, "EXTENDED_KEY_USAGE", 0, "CN=EKU Server", RULE);
    expect(r.error!.message).toContain(CLIENT);
    expect(r.error!.message).not.toContain(SERVER);
  });

  it("passes: anyExtendedKeyUsage satisfies any requested purpose", async () => {
    const any = p.ee("CN=EKU Any", ca, { extensions: { extKeyUsage: ["serverAuth", "anyExtendedKeyUsage"] } });
    expectValid(await go(any, [CLIENT, EKU_OIDS.codeSigning!]));
  });

  it("passes: a target without extKeyUsage is valid for any purpose", async () => {
    expectValid(await go(p.ee("CN=EKU None", ca), [CLIENT]));
  });

  it("passes: nothing requested, whatever the target's extKeyUsage", async () => {
    expectValid(await go(server, []));
  });

  it("passes: an intermediate's extKeyUsage is not a constraint under RFC 5280", async () => {
    const clientCa = p.ca("CN=EKU Client CA", root, { extensions: { extKeyUsage: ["clientAuth"] } });
    expectValid(await go(p.ee("CN=EKU Server 2", clientCa, { extensions: { extKeyUsage: ["serverAuth"] } }), [SERVER], [clientCa]));
  });
});
