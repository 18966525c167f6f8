// certpath-testsuite: the conformance kit of certpath. The suites (NIST PKITS, the generated
// multi-domain suite), the test-PKI generator, the export of cases as files, the drivers
// for other implementations (OpenSSL, pkijs) and the interoperability report.
export { conformanceSuites } from "./suites.js";
export * from "./suite.js";
export { loadPkits, runPkits, runPkitsCase, formatPkitsTable, defaultPkitsDir, pkitsSuite, type PkitsCase, type PkitsSuiteData } from "./pkits.js";
export { multidomainCases, multidomainSuite, runMultidomainCase } from "./multidomain/suite.js";
export { EXPORTABLE_SUITES, EXPORT_FORMAT, exportCases, loadExported, runExportedCase, type ExportManifest, type ExportSummary } from "./export.js";
export { TestPki } from "./generate/pki.js";
export { exportCoseCases, coseCases, COSE_EXPORT_FORMAT, type CoseCaseEntry, type CoseManifest } from "./cose-vectors.js";
