// A caller's own asynchronous issuer source (the shape a directory server source takes):
// asked between search rounds for the issuers the search lacked, never during it.
import { describe, expect, it } from "vitest";
import { verify, type AsyncIssuerSource } from "../../src/index.js";
import { parseCertificate, type Certificate } from "../../src/parsing/certificate.js";
import { NOW, pki } from "./helpers.js";

describe("asyncIssuerSources", () => {
  const p = pki("discovery-async-source");
  const root = p.root("CN=Async Root,O=Async,C=US");
  const ica = p.ca("CN=Async ICA,O=Async,C=US", root);
  const sub = p.ca("CN=Async Sub,O=Async,C=US", ica);
  const ee = p.ee("CN=Async EE,O=Async,C=US", sub);

  /** Knows Sub and ICA; answers by issuer name, records what it was asked. */
  class Directory implements AsyncIssuerSource {
    readonly asked: string[][] = [];
    private readonly known = [sub, ica].map((e) => parseCertificate(e.der));
    async issuersFor(certs: Iterable<Certificate>): Promise<Certificate[]> {
      const list = [...certs];
      this.asked.push(list.map((c) => c.subject.text));
      const names = new Set(list.map((c) => c.issuer.key));
      return this.known.filter((k) => names.has(k.subject.key));
    }
  }

  it("supplies the missing links over two rounds; the result is the full path", async () => {
    const dir = new Directory();
    const r = await verify({ target: ee.der, trustAnchors: [root.der], time: NOW, asyncIssuerSources: [dir] });
    expect(r.valid, JSON.stringify(r.error)).toBe(true);
    expect(r.path.map((e) => e.subject)).toEqual(["C=US, O=Async, CN=Async EE", "C=US, O=Async, CN=Async Sub", "C=US, O=Async, CN=Async ICA", "C=US, O=Async, CN=Async Root"]);
    // Round 1 asks for the target's issuer; round 2 for Sub's (cut as unreachable until ICA arrives).
    expect(dir.asked.length).toBe(2);
    expect(dir.asked[0]).toEqual(["C=US, O=Async, CN=Async EE"]);
  });

  it("is not asked when the bag already holds the path", async () => {
    const dir = new Directory();
    const r = await verify({ target: ee.der, intermediates: [sub.der, ica.der], trustAnchors: [root.der], time: NOW, asyncIssuerSources: [dir] });
    expect(r.valid).toBe(true);
    expect(dir.asked).toEqual([]);
  });

  it("rejects a source without issuersFor() as an option of the wrong type", async () => {
    await expect(verify({ target: ee.der, trustAnchors: [root.der], asyncIssuerSources: [{} as never] })).rejects.toThrow(TypeError);
  });
});
