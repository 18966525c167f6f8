import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  // Tests run the TypeScript sources of both packages: the conformance kit's imports of the
  // library ("certpath", "certpath/cli-support", "certpath/der") and the CLI's dynamic import of the kit
  // resolve to src/ and testsuite/src/, never to a compiled copy (one instance of each module).
  resolve: {
    alias: [
      { find: /^certpath$/, replacement: here("./src/index.ts") },
      { find: /^certpath\/cli-support$/, replacement: here("./src/cli/support.ts") },
      { find: /^certpath\/der$/, replacement: here("./src/parsing/der.ts") },
      { find: /^certpath-testsuite$/, replacement: here("./testsuite/src/index.ts") },
      { find: /^certpath-testsuite\/cli$/, replacement: here("./testsuite/src/cli/index.ts") },
      { find: /^certpath-testsuite\/generate$/, replacement: here("./testsuite/src/generate/pki.ts") },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Both cores: vitest's default leaves one free (one worker on a 2-core machine), which
    // doubled the suite's wall time (205 s of 185 s summed work, measured on an idle machine).
    maxWorkers: 2,
    // @ldclabs/cose-ts (COSE interop, test/cose/interop-libs.test.ts) ships ESM with
    // extension-less imports that Node cannot resolve; vite's resolver can.
    server: { deps: { inline: ["@ldclabs/cose-ts"] } },
  },
});
