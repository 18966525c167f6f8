// The conformance suites `certpath conformance` runs, in order. To add a suite (e.g. the
// multi-domain one), implement ConformanceSuite (./suite.ts) in its own module and append
// it here; the command prints its table and counts it in the final `N passed, M failed`.

import type { ConformanceSuite } from "./suite.js";
import { pkitsSuite } from "./pkits.js";
import { multidomainSuite } from "./multidomain/suite.js";

export function conformanceSuites(): ConformanceSuite[] {
  return [pkitsSuite("given"), pkitsSuite("shuffled"), multidomainSuite()];
}
