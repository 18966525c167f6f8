// A tiny DER tree for the hardening tests: parse a certificate or CRL into nodes, change
// one, encode it back. Written for the tests alone (it shares no code with the parser's
// reader or the generator), and it can write what the parser must refuse: lengths in
// a chosen number of octets.
import { loadPkits, type PkitsCase } from "../../testsuite/src/pkits.js";

export interface Node {
  tag: number;
  /** Children of a constructed node. */
  kids?: Node[];
  /** Contents of a primitive node. */
  content?: Uint8Array;
  /** Write the length in this many octets (long form), even when fewer would do. */
  lengthOctets?: number;
}

export function parse(b: Uint8Array, off = 0, end = b.length): Node {
  const [node, next] = parseAt(b, off);
  if (next !== end) throw new Error("trailing data");
  return node;
}

function parseAt(b: Uint8Array, off: number): [Node, number] {
  const tag = b[off]!;
  let len = b[off + 1]!;
  let p = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p++]!;
  }
  const end = p + len;
  if (tag & 0x20) {
    const kids: Node[] = [];
    while (p < end) {
      const [k, q] = parseAt(b, p);
      kids.push(k);
      p = q;
    }
    return [{ tag, kids }, end];
  }
  return [{ tag, content: b.slice(p, end) }, end];
}

function lengthOctets(len: number, octets?: number): number[] {
  if (octets === undefined && len < 0x80) return [len];
  const out: number[] = [];
  for (let v = len; v > 0; v = Math.floor(v / 256)) out.unshift(v % 256);
  while (octets !== undefined && out.length < octets) out.unshift(0);
  return [0x80 | out.length, ...out];
}

export function encode(n: Node): Uint8Array {
  const body = n.kids ? Buffer.concat(n.kids.map(encode)) : Buffer.from(n.content ?? new Uint8Array());
  return new Uint8Array(Buffer.concat([Buffer.from([n.tag, ...lengthOctets(body.length, n.lengthOctets)]), body]));
}

/** The node at a path of child indexes. */
export function at(n: Node, ...path: number[]): Node {
  let x = n;
  for (const i of path) {
    const k = x.kids?.[i];
    if (!k) throw new Error(`no child ${i}`);
    x = k;
  }
  return x;
}

export const clone = (n: Node): Node => parse(encode(n));

/** A primitive node. */
export const prim = (tag: number, content: number[] | Uint8Array): Node => ({ tag, content: new Uint8Array(content) });

const pkits = loadPkits();
export function pkitsCase(id: string): PkitsCase {
  const c = pkits.cases.find((x) => x.id === id);
  if (!c) throw new Error(`no PKITS case ${id}`);
  return c;
}

/** PKITS 4.1.1: TrustAnchorRootCertificate -> GoodCACert -> ValidCertificatePathTest1EE, with GoodCACRL. */
export function case411() {
  const c = pkitsCase("4.1.1");
  return { anchor: c.bytes.anchor, ca: c.bytes.path[0]!, ee: c.bytes.path[1]!, crls: c.bytes.crls, time: new Date(c.validationTime) };
}
