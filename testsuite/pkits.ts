// NIST PKITS runner for the tests. The logic lives in src/conformance/pkits.ts so that the
// compiled CLI (`certpath conformance`, i.e. `npm start`) and vitest (test/pkits.test.ts,
// from TypeScript source) run exactly the same code; this module re-exports it.
//
//   npm start                          build, then run every conformance suite with a table
//   node dist/cli.js conformance --suite pkits           PKITS in the listed order only
//   node dist/cli.js conformance --suite pkits-shuffled  PKITS with shuffled intermediates
//   npx vitest run test/pkits.test.ts                    one vitest case per PKITS case and mode
//
// Vectors: testsuite/vectors/pkits (pkits.json + certs/ + crls/, see its README.md).
export {
  loadPkits,
  runPkits,
  runPkitsCase,
  formatPkitsTable,
  shuffleDeterministic,
  defaultPkitsDir,
  pkitsSuite,
  pkitsSuiteName,
  type PkitsCase,
  type PkitsMode,
  type PkitsSuiteData,
  type PkitsManifestTest,
  type RunPkitsOptions,
} from "../src/conformance/pkits.js";
export { formatTable, failureLine, sameSet, type CaseResult, type SuiteReport, type ConformanceSuite } from "../src/conformance/suite.js";
