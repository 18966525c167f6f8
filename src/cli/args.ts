// A small hand-written command-line parser: long options only (plus -h), no dependencies.
//
//   --name value   --name=value   value options (given at most once)
//   --name v1 --name v2           list options (repeatable, order kept)
//   --flag                        boolean flags (no value; `--flag=x` is an error)
//   --                            everything after is positional
//
// Any problem is reported as a UsageError, which the commands turn into exit status 2.

export class UsageError extends Error {
  override name = "UsageError";
}

export type OptionKind = "flag" | "value" | "list";

export interface OptionSpec {
  /** Long name without the leading dashes, e.g. "anchor". */
  name: string;
  kind: OptionKind;
  /** Placeholder shown in help, e.g. "FILE". */
  valueName?: string;
  /** Allowed values for "value"/"list" options. */
  choices?: readonly string[];
  /** One-line description for help. */
  help: string;
  /** Single-letter alias, e.g. "h" for -h. */
  short?: string;
}

export interface ParsedArgs {
  positionals: string[];
  flags: Set<string>;
  values: Map<string, string>;
  lists: Map<string, string[]>;
}

export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const out: ParsedArgs = { positionals: [], flags: new Set(), values: new Map(), lists: new Map() };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    let spec: OptionSpec | undefined;
    let inline: string | undefined;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      if (eq !== -1) inline = arg.slice(eq + 1);
      spec = byName.get(name);
      if (!spec) throw new UsageError(`unknown option --${name}${suggest(name, specs)}`);
    } else if (arg.startsWith("-") && arg.length > 1) {
      spec = byShort.get(arg.slice(1));
      if (!spec) throw new UsageError(`unknown option ${arg}`);
    } else {
      out.positionals.push(arg);
      continue;
    }

    if (spec.kind === "flag") {
      if (inline !== undefined) throw new UsageError(`option --${spec.name} takes no value`);
      out.flags.add(spec.name);
      continue;
    }

    let value: string;
    if (inline !== undefined) {
      value = inline;
    } else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith("--") && next.length > 2)) {
        throw new UsageError(`option --${spec.name} needs a value${spec.valueName ? ` (${spec.valueName})` : ""}`);
      }
      value = next;
      i++;
    }
    if (value === "") throw new UsageError(`option --${spec.name} needs a non-empty value`);
    if (spec.choices && !spec.choices.includes(value)) {
      throw new UsageError(`option --${spec.name} must be one of ${spec.choices.join(", ")} (got "${value}")`);
    }
    if (spec.kind === "value") {
      if (out.values.has(spec.name)) throw new UsageError(`option --${spec.name} given more than once`);
      out.values.set(spec.name, value);
    } else {
      const list = out.lists.get(spec.name) ?? [];
      list.push(value);
      out.lists.set(spec.name, list);
    }
  }
  return out;
}

function suggest(name: string, specs: readonly OptionSpec[]): string {
  let best: { name: string; score: number } | undefined;
  for (const s of specs) {
    const score = s.name.startsWith(name) || name.startsWith(s.name) ? 0 : editDistance(s.name, name);
    if (score <= 2 && (!best || score < best.score)) best = { name: s.name, score };
  }
  return best ? ` (did you mean --${best.name}?)` : "";
}

function editDistance(a: string, b: string): number {
  const d: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length]!;
}

/** Formats the option list for --help. */
export function formatOptions(specs: readonly OptionSpec[]): string {
  const rows = specs.map((s) => {
    let left = `--${s.name}`;
    if (s.short) left = `-${s.short}, ${left}`;
    if (s.kind !== "flag") left += ` ${s.choices ? s.choices.join("|") : (s.valueName ?? "VALUE")}`;
    if (s.kind === "list") left += " ...";
    return [left, s.help] as const;
  });
  const width = Math.min(40, Math.max(...rows.map(([l]) => l.length)));
  return rows
    .map(([l, h]) => (l.length > width ? `  ${l}\n  ${" ".repeat(width)}  ${h}` : `  ${l.padEnd(width)}  ${h}`))
    .join("\n");
}

/** A dotted-decimal OID: at least two arcs, first arc 0..2. */
export function isOid(s: string): boolean {
  return /^[0-2](\.(0|[1-9][0-9]*))+$/.test(s);
}

/** Positive integer option value. */
export function parsePositiveInt(name: string, s: string): number {
  if (!/^[1-9][0-9]*$/.test(s) || !Number.isSafeInteger(Number(s))) {
    throw new UsageError(`option --${name} must be a positive integer (got "${s}")`);
  }
  return Number(s);
}

/**
 * ISO 8601 date or date-time, e.g. 2011-04-15, 2011-04-15T00:00:00Z, 2011-04-15T02:00+02:00.
 * A date-time without a zone is taken as UTC (not local time), so runs are reproducible.
 */
export function parseIsoTime(s: string): Date {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|z|[+-]\d{2}:?\d{2})?)?$/.exec(s);
  if (!m) throw new UsageError(`--at expects an ISO 8601 date or date-time such as 2011-04-15T00:00:00Z (got "${s}")`);
  const [, date, time, zone] = m;
  let iso = time ? `${date}T${time}` : `${date}T00:00:00`;
  if (!zone || zone === "z") iso += "Z";
  else iso += zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new UsageError(`--at: "${s}" is not a valid date`);
  // Reject calendar overflow such as 2011-02-30 (Date would roll it over to March).
  const [y, mo, da] = date!.split("-").map(Number) as [number, number, number];
  const check = new Date(Date.UTC(y, mo - 1, da));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== da) {
    throw new UsageError(`--at: "${s}" is not a valid date`);
  }
  return d;
}
