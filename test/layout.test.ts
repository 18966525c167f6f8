// The library package's runtime dependencies are exactly the packages src/ imports at
// run time (issue 16: the library carries only what the library uses; the conformance
// kit in testsuite/ has its own package.json). Type-only imports do not count.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/** Package names imported for their values by `text` (static `import ... from`, `export ... from`, dynamic `import()`). */
function runtimePackages(text: string): string[] {
  const specs = [
    ...[...text.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^;]*?\bfrom\s+"([^"]+)"/gms)].map((m) => m[1]!),
    ...[...text.matchAll(/^\s*import\s+"([^"]+)"/gm)].map((m) => m[1]!),
    ...[...text.matchAll(/\bimport\(\s*"([^"]+)"\s*\)/g)].map((m) => m[1]!),
  ];
  return specs
    .filter((s) => !s.startsWith(".") && !s.startsWith("node:"))
    .map((s) => (s.startsWith("@") ? s.split("/").slice(0, 2).join("/") : s.split("/")[0]!));
}

describe("library layout", () => {
  it("package.json dependencies are exactly the packages src/ imports at run time", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    const used = new Set(sources(join(ROOT, "src")).flatMap((f) => runtimePackages(readFileSync(f, "utf8"))));
    expect([...used].sort()).toEqual(Object.keys(pkg.dependencies).sort());
  });
});
