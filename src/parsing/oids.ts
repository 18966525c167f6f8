// Object identifiers used across the project, by name.
export const OID = {
  anyPolicy: "2.5.29.32.0",
  emailAddress: "1.2.840.113549.1.9.1",
  // certificate extensions, RFC 5280 4.2
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
  issuerAltName: "2.5.29.18",
  basicConstraints: "2.5.29.19",
  nameConstraints: "2.5.29.30",
  crlDistributionPoints: "2.5.29.31",
  certificatePolicies: "2.5.29.32",
  policyMappings: "2.5.29.33",
  authorityKeyIdentifier: "2.5.29.35",
  policyConstraints: "2.5.29.36",
  extKeyUsage: "2.5.29.37",
  freshestCRL: "2.5.29.46",
  inhibitAnyPolicy: "2.5.29.54",
  authorityInfoAccess: "1.3.6.1.5.5.7.1.1",
  subjectInfoAccess: "1.3.6.1.5.5.7.1.11",
  ocspNoCheck: "1.3.6.1.5.5.7.48.1.5",
  // CRL extensions, RFC 5280 5.2 and 5.3
  crlNumber: "2.5.29.20",
  deltaCRLIndicator: "2.5.29.27",
  issuingDistributionPoint: "2.5.29.28",
  crlReason: "2.5.29.21",
  invalidityDate: "2.5.29.24",
  certificateIssuer: "2.5.29.29",
  // access methods
  caIssuers: "1.3.6.1.5.5.7.48.2",
  ocsp: "1.3.6.1.5.5.7.48.1",
  caRepository: "1.3.6.1.5.5.7.48.5",
  // extended key usage
  anyExtendedKeyUsage: "2.5.29.37.0",
  kpOcspSigning: "1.3.6.1.5.5.7.3.9",
  // public key algorithms
  rsaEncryption: "1.2.840.113549.1.1.1",
  rsassaPss: "1.2.840.113549.1.1.10",
  dsa: "1.2.840.10040.4.1",
  ecPublicKey: "1.2.840.10045.2.1",
  ed25519: "1.3.101.112",
  ed448: "1.3.101.113",
} as const;

/** Extended key usage purposes by name (RFC 5280 4.2.1.12), for the CLI and the generator. */
export const EKU_BY_NAME: Readonly<Record<string, string>> = Object.freeze({
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
  codeSigning: "1.3.6.1.5.5.7.3.3",
  emailProtection: "1.3.6.1.5.5.7.3.4",
  timeStamping: "1.3.6.1.5.5.7.3.8",
  OCSPSigning: OID.kpOcspSigning,
  anyExtendedKeyUsage: OID.anyExtendedKeyUsage,
});
