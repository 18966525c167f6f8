// The published PKI, running: a Node HTTP server on 127.0.0.1 serving the .p7c/.crt/.crl
// files at the URLs the certificates name, and a real OpenLDAP slapd (its own temporary
// database, a free loopback port) holding the CA entries, behind a TCP front that can
// refuse every connection not coming from a proxy. The anchor and the three targets are
// written as PEM files for the command line.
import http from "node:http";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KeyAlg } from "../generate/pki.js";
import { buildPublishedPki, type PublishedPki } from "./pki.js";
import { freePort, startSlapd, type Slapd } from "./slapd.js";
import { gate, tcpGate, PROXY_EGRESS, type Gate, type TcpGate } from "./gate.js";

export interface RunningPublishedPki {
  readonly pki: PublishedPki;
  /** `http://127.0.0.1:PORT` */
  readonly httpBase: string;
  /** `127.0.0.1:PORT` of the directory (the front slapd is reached through). */
  readonly ldapHostport: string;
  /** Folder with anchor.pem and one PEM file per target (alice.pem, bob.pem, carol.pem). */
  readonly dir: string;
  readonly files: { anchor: string; targets: Record<"A" | "B" | "C", string> };
  /** HTTP paths asked for, in order ("GET /root-a/root-a.crl"). */
  readonly httpLog: string[];
  /** From now on, reset every connection to the HTTP server or the directory not coming from `PROXY_EGRESS`. */
  refuseDirect(): void;
  allowDirect(): void;
  /** Connections reset by the gates so far. */
  refused(): number;
  readonly slapd: Slapd;
  stop(): Promise<void>;
}

export interface PublishOptions {
  now?: Date;
  keyAlg?: KeyAlg;
  /** Where to write the PEM files (default a new temporary folder, removed by stop()). */
  dir?: string;
}

export async function startPublishedPki(o: PublishOptions = {}): Promise<RunningPublishedPki> {
  let files = new Map<string, Uint8Array>();
  const httpLog: string[] = [];
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    httpLog.push(`${req.method} ${path}`);
    const body = files.get(path);
    if (!body || req.method !== "GET") {
      res.writeHead(body ? 405 : 404);
      res.end();
      return;
    }
    const type = path.endsWith(".crl") ? "application/pkix-crl" : path.endsWith(".p7c") ? "application/pkcs7-mime" : "application/pkix-cert";
    res.writeHead(200, { "content-type": type, "content-length": body.length });
    res.end(Buffer.from(body));
  });
  const httpGate: Gate = gate(server, PROXY_EGRESS);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const httpBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const slapdPort = await freePort();
  let front: TcpGate | undefined;
  let slapd: Slapd | undefined;
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), "certpath-published-"));
  const closeHttp = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  try {
    front = await tcpGate({ host: "127.0.0.1", port: slapdPort }, PROXY_EGRESS);
    const pki = buildPublishedPki({ httpBase, ldapHostport: front.hostport, now: o.now, keyAlg: o.keyAlg });
    files = pki.files;
    slapd = await startSlapd({ suffix: pki.suffix, port: slapdPort, entries: pki.ldapEntries });
    const write = (name: string, pem: string) => {
      const f = join(dir, name);
      writeFileSync(f, pem);
      return f;
    };
    const paths = {
      anchor: write("anchor.pem", pki.anchor.pem),
      targets: { A: write("alice.pem", pki.targets.A.pem), B: write("bob.pem", pki.targets.B.pem), C: write("carol.pem", pki.targets.C.pem) },
    };
    const f = front;
    const s = slapd;
    return {
      pki,
      httpBase,
      ldapHostport: f.hostport,
      dir,
      files: paths,
      httpLog,
      slapd: s,
      refuseDirect: () => {
        httpGate.on();
        f.gate.on();
      },
      allowDirect: () => {
        httpGate.off();
        f.gate.off();
      },
      refused: () => httpGate.refused() + f.gate.refused(),
      stop: async () => {
        await closeHttp();
        await f.close();
        await s.stop();
        if (!o.dir) rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await closeHttp();
    await front?.close();
    await slapd?.stop();
    if (!o.dir) rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
