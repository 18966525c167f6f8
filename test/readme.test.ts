// README.md documents every error code of ERROR_CODES (src/api/types.ts) with its meaning,
// and nothing else; and it starts with the fresh-clone commands.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { ERROR_CODES } from "../src/api/types.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

/** Rows `| \`CODE\` | meaning |` of the table under "### Error codes". */
function documentedCodes(): Map<string, string> {
  const start = readme.indexOf("### Error codes");
  expect(start, 'README.md has no "### Error codes" section').toBeGreaterThanOrEqual(0);
  const rest = readme.slice(start + 1);
  const end = rest.search(/\n#{1,3} /);
  const section = end === -1 ? rest : rest.slice(0, end);
  const rows = new Map<string, string>();
  for (const line of section.split("\n")) {
    const m = /^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|\s*(.*?)\s*\|\s*$/.exec(line);
    if (m) {
      expect(rows.has(m[1]!), `${m[1]} listed twice`).toBe(false);
      rows.set(m[1]!, m[2]!);
    }
  }
  return rows;
}

const expectedTable = () =>
  Object.entries(ERROR_CODES)
    .map(([code, meaning]) => `| \`${code}\` | ${meaning} |`)
    .join("\n");

describe("README.md", () => {
  it("starts with the fresh-clone commands", () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    expect(readme.indexOf("```sh")).toBeLessThan(readme.indexOf("\n## "));
    expect(firstBlock).toMatch(/^npm ci && npm start\b/m);
    expect(firstBlock).toMatch(/^npm test\b/m);
  });

  it("error-code table lists exactly ERROR_CODES, with the same meanings", () => {
    const rows = documentedCodes();
    const hint = `\nexpected table rows (generated from ERROR_CODES):\n${expectedTable()}\n`;
    const codes = Object.keys(ERROR_CODES);
    expect(codes.filter((c) => !rows.has(c)), `codes missing from README${hint}`).toEqual([]);
    expect([...rows.keys()].filter((c) => !(c in ERROR_CODES)), `README lists codes not in ERROR_CODES${hint}`).toEqual([]);
    for (const [code, meaning] of Object.entries(ERROR_CODES)) {
      expect(rows.get(code), `meaning of ${code} differs${hint}`).toBe(meaning);
    }
  });

  it("documents the CLI's --ocsp-response and --fetch options", () => {
    expect(readme).toMatch(/\| `--ocsp-response FILE` \| `revocation\.ocspResponses`/);
    expect(readme).toMatch(/\| `--fetch` \| `revocation\.fetch`/);
  });
});
