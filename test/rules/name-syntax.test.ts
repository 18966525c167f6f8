// Host-name and mailbox syntax shared by the profile rules and the name-constraint engine
// (src/validate/name-syntax.ts), at its edges: label and name lengths, hyphens, "_",
// empty labels, case, and the mailbox forms of RFC 5321 4.1.2.
import { describe, expect, it } from "vitest";
import { isHostName, isMailbox } from "../../src/validate/name-syntax.js";

const label = (n: number) => "a".repeat(n);

describe("isHostName", () => {
  it.each([
    ["example.com", true],
    ["EXAMPLE.com", true],
    ["a_b.example", true],
    ["xn--bcher-kva.example", true],
    ["127.0.0.1", true],
    [`${label(63)}.example`, true],
    [`${label(64)}.example`, false],
    [[label(63), label(63), label(63), label(61)].join("."), true], // 253 characters
    [[label(63), label(63), label(63), label(62)].join("."), false], // 254
    ["", false],
    ["example.com.", false],
    [".example.com", false],
    ["a..b", false],
    ["exa mple.com", false],
    ["*.example.com", false],
    ["ex@mple.com", false],
    ["-a.example", true], // hyphens at label edges are allowed unless asked otherwise
  ] as const)("%s -> %s", (s, ok) => {
    expect(isHostName(s)).toBe(ok);
  });
  it("with hyphenAtEdges false, a label may neither begin nor end with '-' (RFC 1034 3.5)", () => {
    expect(isHostName("-a.example", false)).toBe(false);
    expect(isHostName("a-.example", false)).toBe(false);
    expect(isHostName("a-b.example", false)).toBe(true);
  });
});

describe("isMailbox", () => {
  it.each([
    ["user@example.com", true],
    ["first.last+tag@example.com", true],
    ['"quoted user"@example.com', true],
    ["user@[192.0.2.1]", true],
    ["a@@example.com", false],
    ["@example.com", false],
    ["user@", false],
    ["user.@example.com", false],
    ["us er@example.com", false],
  ] as const)("%s -> %s", (s, ok) => {
    expect(isMailbox(s)).toBe(ok);
  });
});
