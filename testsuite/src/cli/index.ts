// The kit's commands, as `certpath conformance` and `certpath testsuite` load them
// (package export `certpath-testsuite/cli`), and as the kit's own executable runs them.
export { conformanceCommand, conformanceHelp, defaultConformanceEnv, CONFORMANCE_OPTIONS, IMPLEMENTATION_NAMES, type ConformanceEnv } from "./conformance-command.js";
export { testsuiteCommand, TESTSUITE_OPTIONS, TESTSUITE_USAGE } from "./testsuite-command.js";
