// Shapes the outcome of a call's search into the contract's VerifyResult.
import { certLabel, type Certificate } from "../parsing/certificate.js";
import type { Budget, BudgetExceededError } from "../pathbuilder/budget.js";
import type { TrustAnchor } from "../stores/trust-anchors.js";
import type { SearchResult, Tried } from "./search.js";
import type { CandidateReport, VerifyError, VerifyResult } from "./types.js";

export function pathEntries(certs: readonly Certificate[], anchor?: TrustAnchor) {
  const out = certs.map((c) => ({ subject: c.subject.text, der: c.der }));
  if (anchor) out.push({ subject: anchor.subject.text, der: anchor.cert?.der ?? new Uint8Array() });
  return out;
}

function candidateReport(t: Tried): CandidateReport {
  return { path: [...t.cand.certs.map((c) => c.subject.text), t.cand.anchor.subject.text], error: t.failure };
}

/** Failures best first: the one that got furthest (nearest the target), then the shorter path, then the order tried. */
function rankFailures(tried: readonly Tried[]): Tried[] {
  return [...tried].sort((a, b) => a.failure.certIndex - b.failure.certIndex || a.cand.certs.length - b.cand.certs.length);
}

export function invalid(error: VerifyError, extra: Partial<VerifyResult> = {}): VerifyResult {
  return { valid: false, path: [], policies: [], error, ...extra };
}

export function shapeResult(
  r: SearchResult | undefined,
  budgetError: BudgetExceededError | undefined,
  budget: Budget,
  revocationChecked: boolean,
  target: Certificate,
  fetched: string[] | undefined,
  notes: readonly string[] = [],
): VerifyResult {
  const spent = budget.spent();
  const withNotes = (w: string[] | undefined) => (notes.length ? [...notes, ...(w ?? [])] : w);
  if (r?.found) {
    const f = r.found;
    return {
      valid: true,
      path: pathEntries(f.cand.certs, f.cand.anchor),
      policies: [...f.policies],
      candidates: r.tried.map(candidateReport),
      spent,
      revocation: revocationChecked ? f.statuses : undefined,
      warnings: withNotes(f.warnings),
      fetched,
      // Strict-profile rules the path breaks: always empty in the strict profile, where they fail it.
      deviations: [...f.deviations],
    };
  }
  const tried = r?.tried ?? [];
  const ranked = rankFailures(tried);
  const best = ranked[0];
  const candidates = ranked.map(candidateReport);
  const extra: Partial<VerifyResult> = { candidates, spent, fetched };
  if (notes.length) extra.warnings = [...notes];
  if (budgetError) {
    return invalid(
      { code: "BUDGET_EXCEEDED", message: `${budgetError.message}; ${tried.length} candidate path(s) failed before it${best ? `, the best with ${best.failure.code}` : ""}` },
      { ...extra, path: best ? pathEntries(best.cand.certs, best.cand.anchor) : [] },
    );
  }
  if (best) return invalid(best.failure, { ...extra, path: pathEntries(best.cand.certs, best.cand.anchor), revocation: best.statuses });
  // No complete candidate: report the deepest branch cut for a bad signature, if any.
  const dead = [...(r?.builder.deadEnds ?? [])].sort((a, b) => b.certs.length - a.certs.length)[0];
  if (dead) {
    const k = dead.certs.length - 1;
    return invalid(
      {
        code: dead.code,
        certIndex: k,
        message: `certificate #${k} (${certLabel(dead.certs[k]!)}): ${dead.message} with the key of ${dead.issuerLabel}, the only issuer found by name (RFC 5280 6.1.3 (a)(1))`,
      },
      { ...extra, path: pathEntries(dead.certs) },
    );
  }
  if (budget.depthCut) return invalid({ code: "BUDGET_EXCEEDED", message: `no path within maxDepth ${budget.limits.maxDepth}` }, extra);
  const skipped = notes.filter((n) => n.startsWith("skipped")).length;
  return invalid(
    {
      code: "NO_PATH",
      message: `no issuer chain from "${target.subject.text || target.serial}" (issuer "${target.issuer.text}") to any trust anchor${skipped ? `; ${skipped} unreadable untrusted entr${skipped > 1 ? "ies were" : "y was"} skipped (see warnings)` : ""}`,
    },
    extra,
  );
}
