// What the conformance kit's commands (package certpath-testsuite: `certpath conformance`,
// `certpath testsuite export`) share with this CLI: the argument parser, the injected
// dependencies and the exit statuses. Exported as `certpath/cli-support`.
export { formatOptions, parseArgs, UsageError, type OptionSpec } from "./args.js";
export { EXIT, processIo, type CliDeps, type CliIo, type VerifyFn } from "./common.js";
