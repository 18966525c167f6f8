// Shared fixtures of the revocation interoperability tests: the real OpenSSL OCSP
// responder (`openssl ocsp -index ...`) over a CA database written from a generated PKI,
// small Node HTTP servers (CRL distribution points, hanging or oversized responders,
// replayed answers), and a temporary directory for the PEM files.
//
// OpenSSL is required, never optional: `requireOpenssl()` throws a clear error when it
// is missing, so the tests fail instead of being skipped (.ci/run installs it).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import net, { type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { X509Certificate } from "node:crypto";
import type { Entity, NameInput } from "../../testsuite/src/generate/pki.js";
import { parseCertificate, type Certificate } from "../../src/parsing/certificate.js";
import { buildOcspRequest } from "../../src/parsing/ocsp.js";

/** The OpenSSL version line; throws when the `openssl` command is not usable. */
export function requireOpenssl(): string {
  const r = spawnSync("openssl", ["version"], { encoding: "utf8" });
  if (r.error || r.status !== 0) {
    throw new Error(
      "the `openssl` command is not available: the revocation interoperability tests run the real OpenSSL OCSP responder " +
        "(`openssl ocsp -index ...`). Install it (Debian: `apt-get install openssl`; .ci/run does this) and run the tests again. " +
        `(${r.error?.message ?? `exit ${r.status}: ${r.stderr}`})`,
    );
  }
  return r.stdout.trim();
}

/** A reference time on a whole second (certificate and CRL times have second precision). */
export function wholeSecondNow(): Date {
  return new Date(Math.floor(Date.now() / 1000) * 1000);
}

/** UTCTime as OpenSSL's CA database writes it: YYMMDDHHMMSSZ. */
export function utcTime(d: Date): string {
  return d.toISOString().replace(/^\d\d(\d\d)-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d).*$/, "$1$2$3$4$5$6Z");
}

/** "CN=Leaf,O=Org,C=US" as OpenSSL's one-line form "/C=US/O=Org/CN=Leaf". */
export function opensslSubject(name: NameInput): string {
  if (typeof name !== "string") throw new Error("opensslSubject: string names only");
  return "/" + name.split(",").map((s) => s.trim()).reverse().join("/");
}

/** A serial number as the index file holds it (BN_bn2hex: upper case, whole octets). */
export function serialHex(serial: bigint): string {
  const h = serial.toString(16).toUpperCase();
  return h.length % 2 ? `0${h}` : h;
}

/** What the CA database says about one certificate (known before the certificate is issued). */
export interface IndexEntry {
  serial: bigint;
  subject: NameInput;
  notAfter: Date;
  /** V valid, R revoked. */
  status: "V" | "R";
  revokedAt?: Date;
  /** An OpenSSL CRL reason name, e.g. "keyCompromise". */
  reason?: string;
}

/** The index entry of an issued certificate. */
export function entryOf(cert: Entity, status: "V" | "R" = "V", revokedAt?: Date, reason?: string): IndexEntry {
  return { serial: cert.serial, subject: cert.name, notAfter: cert.notAfter, status, revokedAt, reason };
}

/** An OpenSSL CA database (index.txt): one tab-separated line per certificate. */
export function indexTxt(entries: readonly IndexEntry[]): string {
  return entries
    .map((e) => {
      if (e.status === "R" && !e.revokedAt) throw new Error("a revoked index entry needs revokedAt");
      const revoked = e.status === "R" ? utcTime(e.revokedAt!) + (e.reason ? `,${e.reason}` : "") : "";
      return [e.status, utcTime(e.notAfter), revoked, serialHex(e.serial), "unknown", opensslSubject(e.subject)].join("\t") + "\n";
    })
    .join("");
}

/** The entity's private key as PKCS#8 PEM (what `openssl ocsp -rkey` reads). */
export function keyPem(e: Entity): string {
  if (!e.key.privateKey) throw new Error("entity has no private key");
  return e.key.privateKey.export({ type: "pkcs8", format: "pem" }) as string;
}

export class TempDir {
  readonly path = mkdtempSync(join(tmpdir(), "certpath-revocation-"));
  /** Writes `data` to `name` in the directory; returns the full path. */
  write(name: string, data: string | Uint8Array): string {
    const p = join(this.path, name);
    writeFileSync(p, data);
    return p;
  }
  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

/** The `openssl` children still running, killed if the test process exits without stopping them. */
const live = new Set<ChildProcess>();
process.on("exit", () => {
  for (const c of live) c.kill("SIGKILL");
});

/**
 * Waits until the responder answers an OCSP request (HTTP 200). Not a bare TCP probe:
 * OpenSSL 3.0's responder gives up (exits, or spins) on a connection that closes
 * without sending a request.
 */
async function waitForOcspAnswer(url: string, probe: Uint8Array, proc: ChildProcess, stderr: () => string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < end) {
    if (proc.exitCode !== null || proc.signalCode !== null) break;
    try {
      const res = await fetch(url, { method: "POST", body: probe, headers: { "content-type": "application/ocsp-request" }, signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the OpenSSL responder at ${url} does not answer (${last}; exit ${proc.exitCode ?? proc.signalCode ?? "-"}); stderr: ${stderr()}`);
}

export interface OcspResponder {
  readonly url: string;
  readonly port: number;
  readonly process: ChildProcess;
  /** The first line of each request the responder received ("POST / HTTP/1.1", "GET /MGgw... HTTP/1.1"). */
  requestLines(): string[];
  /**
   * The same once the log has been quiet for `quietMs`: the responder's stderr line can
   * reach this process after the HTTP answer does.
   */
  settledRequestLines(quietMs?: number): Promise<string[]>;
  stderr(): string;
  stop(): Promise<void>;
}

export interface ResponderOptions {
  dir: TempDir;
  /** Distinguishes the files of several responders in one directory. */
  id: string;
  /** The CA whose certificates the index lists (`-CA`). */
  ca: Entity;
  /** Who signs the responses (`-rsigner`/`-rkey`): the CA itself or a delegated responder. */
  signer: Entity;
  entries: readonly IndexEntry[];
  /** More `openssl ocsp` arguments, e.g. ["-nmin", "1"]. */
  extraArgs?: readonly string[];
}

/**
 * Starts `openssl ocsp` as a responder on a port the system picks (`-port 0`; OpenSSL
 * prints "ACCEPT [::]:PORT PID=..."), then waits until it answers a request.
 */
export async function startOcspResponder(o: ResponderOptions): Promise<OcspResponder> {
  const index = o.dir.write(`${o.id}-index.txt`, indexTxt(o.entries));
  const ca = o.dir.write(`${o.id}-ca.pem`, o.ca.pem);
  const signer = o.dir.write(`${o.id}-signer.pem`, o.signer.pem);
  const key = o.dir.write(`${o.id}-signer.key`, keyPem(o.signer));
  const args = ["ocsp", "-index", index, "-port", "0", "-rsigner", signer, "-rkey", key, "-CA", ca, ...(o.extraArgs ?? [])];
  const proc = spawn("openssl", args, { cwd: o.dir.path, stdio: ["ignore", "pipe", "pipe"] });
  live.add(proc);
  proc.on("exit", () => live.delete(proc));
  let out = "";
  let err = "";
  proc.stderr!.setEncoding("utf8").on("data", (d: string) => (err += d));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`openssl ${args.join(" ")}: no ACCEPT line within 10 s; stderr: ${err}`)), 10_000);
    proc.stdout!.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      const m = /ACCEPT \S*:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    proc.on("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start openssl: ${e.message}`));
    });
    proc.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`openssl ${args.join(" ")} exited (${code}) before listening; stderr: ${err}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  // The probe asks about the signer's certificate; whatever the answer, it is one.
  const probe = buildOcspRequest(parsed(o.signer), parsed(o.signer.issuer ?? o.signer).publicKey.spki, "sha1", false).der;
  await waitForOcspAnswer(url, probe, proc, () => err);
  const lines = () => [...err.matchAll(/1st line: ([^\r\n]*)/g)].map((m) => m[1]!);
  const probes = lines().length;
  return {
    url,
    port,
    process: proc,
    requestLines: () => lines().slice(probes),
    async settledRequestLines(quietMs = 150) {
      for (let n = -1; ; ) {
        const now = lines().length;
        if (now === n) return lines().slice(probes);
        n = now;
        await new Promise((r) => setTimeout(r, quietMs));
      }
    },
    stderr: () => err,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = once(proc, "exit");
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 2_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface HttpServer {
  readonly url: string;
  readonly port: number;
  /** Every request received, in order. */
  readonly hits: { method: string; path: string }[];
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

/** A Node HTTP server on 127.0.0.1 (port picked by the system) that records its requests. */
export async function startHttpServer(handler: Handler): Promise<HttpServer> {
  const hits: { method: string; path: string }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      hits.push({ method: req.method ?? "?", path: req.url ?? "" });
      handler(req, res, Buffer.concat(chunks));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    hits,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A URL on 127.0.0.1 where nothing listens (a port bound, then released). */
export async function closedPortUrl(): Promise<string> {
  const s = net.createServer();
  s.listen(0, "127.0.0.1");
  await once(s, "listening");
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

/** Parses a generated entity as the library sees it. */
export function parsed(e: Entity): Certificate {
  return parseCertificate(e.der, "test certificate");
}

/**
 * Asks a responder about `cert` (issued by `issuer`) with a request built by the library
 * (`buildOcspRequest`, POST), and returns the DER response and the nonce sent.
 */
export async function queryResponder(url: string, cert: Entity, issuer: Entity, withNonce = true): Promise<{ der: Uint8Array; nonce?: string }> {
  const req = buildOcspRequest(parsed(cert), parsed(issuer).publicKey.spki, "sha1", withNonce);
  const res = await fetch(url, { method: "POST", body: req.der, headers: { "content-type": "application/ocsp-request" } });
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
  return { der: new Uint8Array(await res.arrayBuffer()), nonce: req.nonce };
}

/** The DER of a PEM certificate file's first block (for comparing with `path[i].der`). */
export function pemToDer(pem: string): Uint8Array {
  return new Uint8Array(new X509Certificate(pem).raw);
}
