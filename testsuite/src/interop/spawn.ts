// Running an external validator: collect its exit code and output, never throw.

import { spawn } from "node:child_process";

export interface SpawnResult {
  /** Exit code; null when it was killed or could not start. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Why it did not run or finish (ENOENT, timeout). */
  failure?: string;
}

export function spawnCollect(cmd: string, args: readonly string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<SpawnResult> {
  return new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    let failure: string | undefined;
    let settled = false;
    const done = (code: number | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(failure ? { code, stdout, stderr, failure } : { code, stdout, stderr });
    };
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(cmd, [...args], { cwd: opts.cwd, stdio: ["ignore", "pipe", "pipe"] });
    } catch (e) {
      failure = String((e as Error)?.message ?? e);
      resolve({ code: null, stdout, stderr, failure });
      return;
    }
    const timer = setTimeout(() => {
      failure = `timed out after ${opts.timeoutMs} ms`;
      child.kill("SIGKILL");
    }, opts.timeoutMs ?? 30_000);
    child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", (e) => {
      failure = e.message;
      done(null);
    });
    child.on("close", (code) => done(code));
  });
}

/** Runs `fn` over `items` with at most `limit` running at once; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}
