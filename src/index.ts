export { verify } from "./api/verify.js";
export { createVerifier } from "./api/verifier.js";
export * from "./api/types.js";
export * from "./cose/index.js";
// Issuer sources and trust anchor inputs, for `issuerSources` and library users.
export { MemoryIssuerSource, type IssuerSource, type AsyncIssuerSource } from "./stores/issuer-source.js";
export { AiaIssuerSource, OnlineRetriever } from "./stores/online.js";
export { DirectoryIssuerSource, type DirectoryLoadReport } from "./stores/directory.js";
export { DEFAULT_LIMITS, type BudgetLimits } from "./pathbuilder/budget.js";
export { DEFAULT_FETCH_POLICY, sharedFetchCache } from "./stores/http.js";
export { configureCaches, cacheUsage, type CacheLimits } from "./api/caches.js";
export { isNonPublicAddress, addressRefusal, type AddressPolicy } from "./stores/address-policy.js";
export { parseCertificate, parseCertificates, type Certificate } from "./parsing/certificate.js";
export { clearParseCaches } from "./parsing/cache.js";
export { parseCrl, parseCrls, crlCacheLimits, setCrlCacheLimits, type Crl, type CrlEntry, type RevokedList } from "./parsing/crl.js";
// The graph of a call (`graph: true`), its renderings, for drawing a PKI.
export type { TrustGraph, GraphNode, GraphEdge, GraphCandidate, GraphDomain, GraphCertificate, EdgeRejection } from "./graph/types.js";
export { graphToDot, graphToSvg, inlineSvg, renderGraph, edgeTitle, type GraphFormat, type RenderOptions } from "./graph/render.js";
export { COLORS as GRAPH_COLORS, type DotOptions, type Mark } from "./graph/dot.js";
export { CERTIFICATE_TABLE_JS, scriptJson } from "./graph/html.js";
