// A real OpenLDAP slapd (Debian package slapd) for tests and the published PKI: its own temporary directory (slapd.conf, an MDB
// database loaded with slapadd), listening on a free port of 127.0.0.1, stopped (and its
// directory removed) by `stop()`. Schemas: core, cosine and inetorgperson from
// /etc/ldap/schema; core.schema already defines the PKI attributes and classes of
// RFC 4523 / RFC 2587 (cACertificate, crossCertificatePair, certificateRevocationList,
// authorityRevocationList, deltaRevocationList; pkiCA, deltaCRL), and slapd has the
// `referral` class (RFC 3296) built in.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createPrivateKey, type KeyObject } from "node:crypto";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const SLAPD = "/usr/sbin/slapd";
export const SLAPADD = "/usr/sbin/slapadd";

export type LdifValue = string | Uint8Array;

export interface LdifEntry {
  /** RFC 4514 string form. */
  dn: string;
  objectClass: string[];
  /** Attribute descriptions (`cACertificate;binary`) to values. */
  attrs: Record<string, LdifValue | LdifValue[]>;
}

/** RFC 2849 LDIF: binary and unsafe values base64 (`::`). */
export function toLdif(entries: readonly LdifEntry[]): string {
  const line = (k: string, v: LdifValue) =>
    typeof v === "string" && /^[\x20-\x7e]*$/.test(v) && !/^[ :<]/.test(v) && !v.endsWith(" ")
      ? `${k}: ${v}`
      : `${k}:: ${Buffer.from(typeof v === "string" ? Buffer.from(v, "utf8") : v).toString("base64")}`;
  return entries
    .map((e) =>
      [
        line("dn", e.dn),
        ...e.objectClass.map((o) => `objectClass: ${o}`),
        ...Object.entries(e.attrs).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => line(k, x))),
      ].join("\n"),
    )
    .join("\n\n")
    .concat("\n");
}

/** Splits an RFC 4514 DN into RDN strings (escapes kept). */
export function splitDn(dn: string): string[] {
  const out: string[] = [];
  let cur = "";
  for (let i = 0; i < dn.length; i++) {
    const c = dn[i]!;
    if (c === "\\") {
      cur += c + (dn[i + 1] ?? "");
      i++;
    } else if (c === ",") {
      out.push(cur.trim());
      cur = "";
    } else cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** RFC 4514 2.4 unescaping of a value (`\,` and `\2C` forms). */
export function unescapeDnValue(v: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < v.length; i++) {
    if (v[i] === "\\" && /^[0-9a-fA-F]{2}$/.test(v.slice(i + 1, i + 3))) {
      bytes.push(parseInt(v.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (v[i] === "\\") {
      bytes.push(...Buffer.from(v[++i] ?? "", "utf8"));
    } else bytes.push(...Buffer.from(v[i]!, "utf8"));
  }
  return Buffer.from(bytes).toString("utf8");
}

/** A structural class that fits an entry named by its RDN type (with the RDN's value). */
export function structuralFor(dn: string): { objectClass: string[]; attrs: Record<string, string> } {
  const rdn = splitDn(dn)[0]!;
  const eq = rdn.indexOf("=");
  const type = rdn.slice(0, eq).toLowerCase();
  const value = unescapeDnValue(rdn.slice(eq + 1));
  switch (type) {
    case "c":
      return { objectClass: ["country"], attrs: { c: value } };
    case "o":
      return { objectClass: ["organization"], attrs: { o: value } };
    case "ou":
      return { objectClass: ["organizationalUnit"], attrs: { ou: value } };
    case "l":
      return { objectClass: ["locality"], attrs: { l: value } };
    case "dc":
      return { objectClass: ["domain"], attrs: { dc: value } };
    default:
      return { objectClass: ["applicationProcess"], attrs: { cn: value } };
  }
}

/** Adds the missing ancestors of every entry (up to the suffix), parents first. */
export function withAncestors(entries: readonly LdifEntry[], suffix: string): LdifEntry[] {
  const key = (dn: string) => splitDn(dn).map((r) => r.toLowerCase()).join(",");
  const have = new Set(entries.map((e) => key(e.dn)));
  const out: LdifEntry[] = [];
  const add = (dn: string) => {
    if (have.has(key(dn))) return;
    have.add(key(dn));
    const s = structuralFor(dn);
    out.push({ dn, objectClass: s.objectClass, attrs: s.attrs });
  };
  const suffixLen = splitDn(suffix).length;
  for (const e of entries) {
    const rdns = splitDn(e.dn);
    for (let n = suffixLen; n < rdns.length; n++) add(rdns.slice(rdns.length - n).join(","));
  }
  add(suffix);
  const depth = (e: LdifEntry) => splitDn(e.dn).length;
  return [...out, ...entries].sort((a, b) => depth(a) - depth(b));
}

/** A CA entry: its RDN's structural class plus pkiCA (and deltaCRL when it holds a delta CRL). */
export function caEntry(dn: string, attrs: LdifEntry["attrs"]): LdifEntry {
  const s = structuralFor(dn);
  const delta = Object.keys(attrs).some((k) => k.toLowerCase().startsWith("deltarevocationlist"));
  return { dn, objectClass: [...s.objectClass, "pkiCA", ...(delta ? ["deltaCRL"] : [])], attrs: { ...s.attrs, ...attrs } };
}

/** A referral object (RFC 3296): reading it answers with `ref`. */
export function referralEntry(dn: string, ref: string): LdifEntry {
  const s = structuralFor(dn);
  return { dn, objectClass: ["referral", "extensibleObject"], attrs: { ...s.attrs, ref } };
}

/**
 * PKCS#8 PEM of a private key with its public key inside (RFC 5915 publicKey): slapd's
 * GnuTLS refuses an EC key without it, and a key object made from the scalar alone
 * exports without it. The JWK round trip writes it.
 */
export function tlsKeyPem(key: KeyObject): string {
  const full = key.asymmetricKeyType === "ec" ? createPrivateKey({ format: "jwk", key: key.export({ format: "jwk" }) }) : key;
  return full.export({ type: "pkcs8", format: "pem" }) as string;
}

/** A port nobody listens on right now (the OS's choice). */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, host, () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface SlapdOptions {
  suffix: string;
  entries: readonly LdifEntry[];
  /** slapd.conf access lines (default: everyone may read). */
  access?: string[];
  /** Address to listen on (default 127.0.0.1). */
  host?: string;
  /** Port to listen on (from `freePort()`, when the entries must name it); default a free one. */
  port?: number;
  /** Also listen for LDAPS (RFC 4513 3.1.3) on `tls.port` (default a free one) with this certificate and key (PEM). */
  tls?: { certPem: string; keyPem: string; port?: number };
}

export interface Slapd {
  readonly host: string;
  readonly port: number;
  /** "127.0.0.1:port" */
  readonly hostport: string;
  readonly url: string;
  /** The LDAPS port, when `tls` was given. */
  readonly ldapsPort?: number;
  readonly rootDn: string;
  readonly rootPw: string;
  /** SIGSTOP: the port still accepts connections (the kernel's backlog), nothing answers. */
  /** Resolves once every thread of slapd is stopped (state T in /proc). */
  pause(): Promise<void>;
  resume(): void;
  stop(): Promise<void>;
}

function waitForPort(host: string, port: number, child: ChildProcess, ms: number, log: () => string): Promise<void> {
  const end = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) return reject(new Error(`slapd exited with ${child.exitCode}: ${log()}`));
      const s = net.connect({ host, port });
      s.once("connect", () => {
        s.destroy();
        resolve();
      });
      s.once("error", () => {
        s.destroy();
        if (Date.now() > end) reject(new Error(`slapd did not listen on ${host}:${port} within ${ms} ms: ${log()}`));
        else setTimeout(attempt, 25);
      });
    };
    attempt();
  });
}

/** Waits until every thread of `pid` is in the stopped state (Linux /proc). */
async function stoppedAll(pid: number, ms: number): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    let all = true;
    try {
      for (const t of readdirSync(`/proc/${pid}/task`)) {
        const stat = readFileSync(`/proc/${pid}/task/${t}/stat`, "utf8");
        const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
        if (state !== "T" && state !== "t") all = false;
      }
    } catch {
      return; // no /proc: nothing more to check
    }
    if (all) return;
    if (Date.now() > end) throw new Error(`slapd (pid ${pid}) did not stop within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function startSlapd(o: SlapdOptions): Promise<Slapd> {
  if (!existsSync(SLAPD)) throw new Error(`${SLAPD} is not installed (Debian package slapd)`);
  const dir = mkdtempSync(join(tmpdir(), "certpath-slapd-"));
  const rootDn = `cn=admin,${o.suffix}`;
  const rootPw = "admin-secret";
  const host = o.host ?? "127.0.0.1";
  const tlsConf: string[] = [];
  if (o.tls) {
    writeFileSync(join(dir, "tls-cert.pem"), o.tls.certPem);
    writeFileSync(join(dir, "tls-key.pem"), o.tls.keyPem);
    tlsConf.push(`TLSCertificateFile ${join(dir, "tls-cert.pem")}`, `TLSCertificateKeyFile ${join(dir, "tls-key.pem")}`);
  }
  const conf = [
    ...tlsConf,
    "include /etc/ldap/schema/core.schema",
    "include /etc/ldap/schema/cosine.schema",
    "include /etc/ldap/schema/inetorgperson.schema",
    `pidfile ${join(dir, "slapd.pid")}`,
    `argsfile ${join(dir, "slapd.args")}`,
    "modulepath /usr/lib/ldap",
    "moduleload back_mdb",
    "database mdb",
    `suffix "${o.suffix}"`,
    `rootdn "${rootDn}"`,
    `rootpw ${rootPw}`,
    `directory ${join(dir, "db")}`,
    "maxsize 67108864",
    ...(o.access ?? []),
    "",
  ].join("\n");
  mkdirSync(join(dir, "db"));
  writeFileSync(join(dir, "slapd.conf"), conf);
  writeFileSync(join(dir, "data.ldif"), toLdif(withAncestors(o.entries, o.suffix)));
  const add = spawnSync(SLAPADD, ["-f", join(dir, "slapd.conf"), "-l", join(dir, "data.ldif")], { encoding: "utf8" });
  if (add.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`slapadd failed (${add.status}): ${add.stderr}`);
  }
  for (let attempt = 0; ; attempt++) {
    const port = attempt === 0 && o.port ? o.port : await freePort(host);
    const ldapsPort = o.tls ? (attempt === 0 && o.tls.port ? o.tls.port : await freePort(host)) : undefined;
    const urls = [`ldap://${host}:${port}/`, ...(ldapsPort ? [`ldaps://${host}:${ldapsPort}/`] : [])].join(" ");
    const child = spawn(SLAPD, ["-f", join(dir, "slapd.conf"), "-h", urls, "-d", "0"], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr!.on("data", (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    try {
      await waitForPort(host, port, child, 5000, () => err);
      if (ldapsPort) await waitForPort(host, ldapsPort, child, 5000, () => err);
    } catch (e) {
      child.kill("SIGKILL");
      if (attempt < 2) continue;
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    let stopped = false;
    return {
      host,
      port,
      hostport: `${host}:${port}`,
      ldapsPort,
      url: `ldap://${host}:${port}`,
      rootDn,
      rootPw,
      pause: async () => {
        child.kill("SIGSTOP");
        await stoppedAll(child.pid!, 5000);
      },
      resume: () => child.kill("SIGCONT"),
      stop: async () => {
        if (stopped) return;
        stopped = true;
        child.kill("SIGCONT");
        const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once("exit", () => resolve())));
        child.kill("SIGTERM");
        const t = setTimeout(() => child.kill("SIGKILL"), 3000);
        await exited;
        clearTimeout(t);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}
