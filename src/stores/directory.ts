// A directory of certificate files as an issuer source: DER (.cer/.crt/.der), PEM
// (.pem/.crt, several certificates per file) and certs-only CMS bundles (.p7c/.p7b).
// Files that are not certificates are skipped and reported, never fatal.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Certificate } from "../parsing/certificate.js";
import type { DistinguishedName } from "../parsing/name.js";
import { parseCertificateBundle } from "../parsing/bundle.js";
import { MAX_DER_BYTES } from "../parsing/der.js";
import { MemoryIssuerSource, type IssuerSource } from "./issuer-source.js";

export interface DirectoryLoadReport {
  readonly loaded: number;
  readonly skipped: readonly { file: string; reason: string }[];
}

const EXTENSIONS = /\.(cer|crt|der|pem|p7c|p7b)$/i;

export class DirectoryIssuerSource implements IssuerSource {
  private readonly mem = new MemoryIssuerSource();
  readonly report: DirectoryLoadReport;

  /** Reads `dir` (not recursively, at most `maxFiles` files) once, now. */
  constructor(
    readonly dir: string,
    maxFiles = 10_000,
  ) {
    const skipped: { file: string; reason: string }[] = [];
    let loaded = 0;
    const files = readdirSync(dir).filter((f) => EXTENSIONS.test(f)).sort().slice(0, maxFiles);
    for (const f of files) {
      const path = join(dir, f);
      try {
        const st = statSync(path);
        if (!st.isFile()) continue;
        if (st.size > MAX_DER_BYTES) throw new Error(`${st.size} bytes exceeds the ${MAX_DER_BYTES}-byte cap`);
        for (const c of parseCertificateBundle(new Uint8Array(readFileSync(path)), path)) {
          this.mem.add(c);
          loaded++;
        }
      } catch (e) {
        skipped.push({ file: path, reason: (e as Error).message });
      }
    }
    this.report = { loaded, skipped };
  }

  findBySubject(name: DistinguishedName): readonly Certificate[] {
    return this.mem.findBySubject(name);
  }

  all(): Iterable<Certificate> {
    return this.mem.all();
  }
}
