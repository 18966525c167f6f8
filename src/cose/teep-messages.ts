// The TEEP messages (draft-ietf-teep-protocol-26; type numbers from the IANA registry of -26,
// labels and field types from the draft's CDDL, see ./teep.ts):
//
//   query-request  = [1, { ? token, ? supported-freshness-mechanisms, ? challenge, ? versions,
//                          ? attestation-payload-format, ? attestation-payload, ? suit-reports },
//                     supported-teep-cipher-suites, supported-suit-cose-profiles, data-item-requested]
//   query-response = [2, { ? token, ? selected-version, ? attestation-payload-format,
//                          ? attestation-payload, ? suit-reports, ? tc-list, ? requested-tc-list,
//                          ? unneeded-manifest-list, ? ext-list }]
//   update         = [3, { ? token, ? unneeded-manifest-list, ? manifest-list,
//                          ? attestation-payload-format, ? attestation-payload, ? err-code, ? err-msg }]
//   teep-success   = [4, { ? token, ? msg, ? suit-reports }]
//   teep-error     = [5, { ? token, ? err-msg, ? supported-teep-cipher-suites,
//                          ? supported-freshness-mechanisms, ? supported-suit-cose-profiles,
//                          ? challenge, ? versions, ? suit-reports }, err-code]
//
// Decoding is strict against that CDDL: a wrong type, a size outside the CDDL's range, an
// array element too many or too few, or an option label the message does not define is a
// TeepDecodeError naming the field (an undefined label is ERR_UNSUPPORTED_EXTENSION, 2: this
// implementation understands no TEEP extension; everything else ERR_PERMANENT_ERROR, 1).
import { encodeCbor, isBytes, isInt, isMap, strictDecode, type CborDecoding } from "./cbor.js";
import { TEEP_DATA_ITEM, TEEP_ERR, TEEP_LABEL, TEEP_TYPE, utf8Cut, type TeepCipherSuite } from "./teep.js";

/** A TEEP message that does not match the CDDL; `field` names what is wrong, `teepError` the err-code to answer with. */
export class TeepDecodeError extends TypeError {
  constructor(
    readonly field: string,
    message: string,
    readonly teepError: number = TEEP_ERR.ERR_PERMANENT_ERROR,
  ) {
    super(`${field}: ${message}`);
    this.name = "TeepDecodeError";
  }
}

/** SUIT_Component_Identifier = [* bstr] (RFC 9124 8.4.5.1). */
export type SuitComponentId = Uint8Array[];

export interface RequestedTcInfo {
  componentId: SuitComponentId;
  tcManifestSequenceNumber?: number;
  haveBinary?: boolean;
}

export interface QueryRequest {
  token?: Uint8Array;
  supportedFreshnessMechanisms?: number[];
  challenge?: Uint8Array;
  versions?: number[];
  attestationPayloadFormat?: string;
  attestationPayload?: Uint8Array;
  suitReports?: Uint8Array[];
  supportedTeepCipherSuites: readonly TeepCipherSuite[];
  supportedSuitCoseProfiles: readonly (readonly number[])[];
  /** Bits of TEEP_DATA_ITEM. */
  dataItemRequested: number;
}

export interface QueryResponse {
  token?: Uint8Array;
  selectedVersion?: number;
  attestationPayloadFormat?: string;
  attestationPayload?: Uint8Array;
  suitReports?: Uint8Array[];
  /** system-property-claims of each installed Trusted Component (claim maps, as sent). */
  tcList?: Map<number | string, unknown>[];
  requestedTcList?: RequestedTcInfo[];
  unneededManifestList?: SuitComponentId[];
  extList?: number[];
}

export interface Update {
  token?: Uint8Array;
  unneededManifestList?: SuitComponentId[];
  /** Each a bstr .cbor SUIT_Envelope. */
  manifestList?: Uint8Array[];
  attestationPayloadFormat?: string;
  attestationPayload?: Uint8Array;
  errCode?: number;
  errMsg?: string;
}

export interface TeepSuccess {
  token?: Uint8Array;
  msg?: string;
  /** SUIT_Report values, as decoded CBOR. */
  suitReports?: unknown[];
}

export interface TeepErrorMessage {
  token?: Uint8Array;
  errMsg?: string;
  supportedTeepCipherSuites?: readonly TeepCipherSuite[];
  supportedFreshnessMechanisms?: number[];
  supportedSuitCoseProfiles?: readonly (readonly number[])[];
  challenge?: Uint8Array;
  versions?: number[];
  suitReports?: unknown[];
  errCode: number;
}

export type TeepMessageBody =
  | ({ type: typeof TEEP_TYPE.QUERY_REQUEST } & QueryRequest)
  | ({ type: typeof TEEP_TYPE.QUERY_RESPONSE } & QueryResponse)
  | ({ type: typeof TEEP_TYPE.UPDATE } & Update)
  | ({ type: typeof TEEP_TYPE.SUCCESS } & TeepSuccess)
  | ({ type: typeof TEEP_TYPE.ERROR } & TeepErrorMessage);

export const TEEP_TYPE_NAMES: Readonly<Record<number, string>> = Object.freeze({
  [TEEP_TYPE.QUERY_REQUEST]: "QueryRequest",
  [TEEP_TYPE.QUERY_RESPONSE]: "QueryResponse",
  [TEEP_TYPE.UPDATE]: "Update",
  [TEEP_TYPE.SUCCESS]: "Success",
  [TEEP_TYPE.ERROR]: "Error",
});

// ---- field kinds: one checker per CDDL type, used for both directions ----

type Check = (v: unknown, field: string) => void;

const fail = (field: string, msg: string): never => {
  throw new TeepDecodeError(field, msg);
};
const bstrSize =
  (min: number, max: number): Check =>
  (v, f) => {
    if (!isBytes(v)) fail(f, "expected a bstr");
    if ((v as Uint8Array).length < min || (v as Uint8Array).length > max) fail(f, `bstr of ${(v as Uint8Array).length} bytes, the CDDL allows ${min}..${max}`);
  };
const anyBstr: Check = (v, f) => {
  if (!isBytes(v)) fail(f, "expected a bstr");
};
const uintSize4: Check = (v, f) => {
  if (!isInt(v) || v < 0 || v > 0xffffffff) fail(f, "expected a uint .size 4");
};
const uint: Check = (v, f) => {
  if (!isInt(v) || v < 0) fail(f, "expected a uint");
};
const errCode: Check = (v, f) => {
  if (!isInt(v) || v < 0 || v > 23) fail(f, "expected an err-code uint (0..23)");
};
const text: Check = (v, f) => {
  if (typeof v !== "string") fail(f, "expected a text string");
};
const textSize =
  (min: number, max: number): Check =>
  (v, f) => {
    if (typeof v !== "string") fail(f, "expected a text string");
    const n = Buffer.byteLength(v as string, "utf8");
    if (n < min || n > max) fail(f, `text of ${n} bytes, the CDDL allows ${min}..${max}`);
  };
const bool: Check = (v, f) => {
  if (typeof v !== "boolean") fail(f, "expected a bool");
};
const nonEmptyArrayOf =
  (each: Check): Check =>
  (v, f) => {
    if (!Array.isArray(v) || v.length === 0) fail(f, "expected a non-empty array");
    (v as unknown[]).forEach((e, i) => each(e, `${f}[${i}]`));
  };
const int: Check = (v, f) => {
  if (!isInt(v)) fail(f, "expected an int");
};
/** $teep-cipher-suite = [ + teep-operation ], teep-operation = [ cose-type, cose-alg ]. */
const cipherSuite: Check = nonEmptyArrayOf((v, f) => {
  if (!Array.isArray(v) || v.length !== 2) fail(f, "expected a teep-operation [cose-type, cose-alg]");
  int((v as unknown[])[0], `${f}[0]`);
  int((v as unknown[])[1], `${f}[1]`);
});
/** $suit-cose-profile = [ digest-alg, auth-alg, key-exchange-alg, encryption-alg ] (draft-ietf-suit-mti). */
const suitCoseProfile: Check = (v, f) => {
  if (!Array.isArray(v) || v.length !== 4) fail(f, "expected a SUIT COSE profile [digest, auth, key-exchange, encryption]");
  (v as unknown[]).forEach((e, i) => int(e, `${f}[${i}]`));
};
/** $freshness-mechanism: FRESHNESS_NONCE (0) / FRESHNESS_TIMESTAMP (1), extensible. */
const freshness: Check = uint;
/** SUIT_Component_Identifier = [* bstr]. */
const componentId: Check = (v, f) => {
  if (!Array.isArray(v)) fail(f, "expected a SUIT_Component_Identifier [* bstr]");
  (v as unknown[]).forEach((e, i) => anyBstr(e, `${f}[${i}]`));
};
/** system-property-claims: a claims map (int or text keys). */
const claimsMap: Check = (v, f) => {
  if (!isMap(v)) fail(f, "expected a system-property-claims map");
  for (const k of (v as Map<unknown, unknown>).keys()) if (!isInt(k) && typeof k !== "string") fail(f, `claim key ${String(k)} is neither an int nor a text`);
};
/** A SUIT_Report (draft-ietf-suit-report): a CBOR structure; accepted as map, array, bstr or tag. */
const suitReport: Check = (v, f) => {
  if (v === null || typeof v !== "object") fail(f, "expected a SUIT_Report");
};
/** requested-tc-info = { component-id => SUIT_Component_Identifier, ? tc-manifest-sequence-number => uint, ? have-binary => bool }. */
const requestedTcInfo: Check = (v, f) => {
  if (!isMap(v)) fail(f, "expected a requested-tc-info map");
  const m = v as Map<unknown, unknown>;
  const known: Record<number, [string, Check]> = {
    [TEEP_LABEL.componentId]: ["component-id", componentId],
    [TEEP_LABEL.tcManifestSequenceNumber]: ["tc-manifest-sequence-number", uint],
    [TEEP_LABEL.haveBinary]: ["have-binary", bool],
  };
  for (const [k, val] of m) {
    const spec = isInt(k) ? known[k] : undefined;
    if (!spec) throw new TeepDecodeError(`${f}.${String(k)}`, "label not defined for requested-tc-info", TEEP_ERR.ERR_UNSUPPORTED_EXTENSION);
    spec[1](val, `${f}.${spec[0]}`);
  }
  if (!m.has(TEEP_LABEL.componentId)) fail(`${f}.component-id`, "missing (required)");
};

interface OptionSpec {
  label: number;
  name: string; // CDDL name
  key: string; // property name
  check: Check;
}

const o = (label: number, name: string, key: string, check: Check): OptionSpec => ({ label, name, key, check });
const L = TEEP_LABEL;
const TOKEN = o(L.token, "token", "token", bstrSize(8, 64));
const CHALLENGE = o(L.challenge, "challenge", "challenge", bstrSize(8, 512));
const VERSIONS = o(L.versions, "versions", "versions", nonEmptyArrayOf(uintSize4));
const FRESHNESS_MECHS = o(L.supportedFreshnessMechanisms, "supported-freshness-mechanisms", "supportedFreshnessMechanisms", nonEmptyArrayOf(freshness));
const AP_FORMAT = o(L.attestationPayloadFormat, "attestation-payload-format", "attestationPayloadFormat", text);
const AP = o(L.attestationPayload, "attestation-payload", "attestationPayload", anyBstr);
const SUIT_REPORTS_BSTR = o(L.suitReports, "suit-reports", "suitReports", nonEmptyArrayOf(anyBstr));
const SUIT_REPORTS = o(L.suitReports, "suit-reports", "suitReports", nonEmptyArrayOf(suitReport));
const UNNEEDED = o(L.unneededManifestList, "unneeded-manifest-list", "unneededManifestList", nonEmptyArrayOf(componentId));
const ERR_MSG = o(L.errMsg, "err-msg", "errMsg", textSize(1, 128));

const OPTIONS: Record<number, OptionSpec[]> = {
  [TEEP_TYPE.QUERY_REQUEST]: [TOKEN, FRESHNESS_MECHS, CHALLENGE, VERSIONS, AP_FORMAT, AP, SUIT_REPORTS_BSTR],
  [TEEP_TYPE.QUERY_RESPONSE]: [
    TOKEN,
    o(L.selectedVersion, "selected-version", "selectedVersion", uintSize4),
    AP_FORMAT,
    AP,
    SUIT_REPORTS_BSTR,
    o(L.tcList, "tc-list", "tcList", nonEmptyArrayOf(claimsMap)),
    o(L.requestedTcList, "requested-tc-list", "requestedTcList", nonEmptyArrayOf(requestedTcInfo)),
    UNNEEDED,
    o(L.extList, "ext-list", "extList", nonEmptyArrayOf(uintSize4)),
  ],
  [TEEP_TYPE.UPDATE]: [
    TOKEN,
    UNNEEDED,
    o(L.manifestList, "manifest-list", "manifestList", nonEmptyArrayOf(anyBstr)),
    AP_FORMAT,
    AP,
    o(L.errCode, "err-code", "errCode", errCode),
    ERR_MSG,
  ],
  [TEEP_TYPE.SUCCESS]: [TOKEN, o(L.msg, "msg", "msg", textSize(1, 128)), SUIT_REPORTS],
  [TEEP_TYPE.ERROR]: [
    TOKEN,
    ERR_MSG,
    o(L.supportedTeepCipherSuites, "supported-teep-cipher-suites", "supportedTeepCipherSuites", nonEmptyArrayOf(cipherSuite)),
    FRESHNESS_MECHS,
    o(L.supportedSuitCoseProfiles, "supported-suit-cose-profiles", "supportedSuitCoseProfiles", nonEmptyArrayOf(suitCoseProfile)),
    CHALLENGE,
    VERSIONS,
    SUIT_REPORTS,
  ],
};

/** The elements after the options map: [name, property, check]. */
const TRAILING: Record<number, [string, string, Check][]> = {
  [TEEP_TYPE.QUERY_REQUEST]: [
    ["supported-teep-cipher-suites", "supportedTeepCipherSuites", nonEmptyArrayOf(cipherSuite)],
    ["supported-suit-cose-profiles", "supportedSuitCoseProfiles", nonEmptyArrayOf(suitCoseProfile)],
    ["data-item-requested", "dataItemRequested", uint],
  ],
  [TEEP_TYPE.QUERY_RESPONSE]: [],
  [TEEP_TYPE.UPDATE]: [],
  [TEEP_TYPE.SUCCESS]: [],
  [TEEP_TYPE.ERROR]: [["err-code", "errCode", errCode]],
};

/** Cross-field rules of the draft's text, beyond the CDDL. */
function crossChecks(type: number, m: Record<string, unknown>, name: string): void {
  if (type === TEEP_TYPE.QUERY_REQUEST) {
    const attestation = ((m.dataItemRequested as number) & TEEP_DATA_ITEM.attestation) !== 0;
    // QueryRequest token: MUST be present if and only if the attestation bit is clear (the
    // attestation payload's nonce then matches the request instead).
    if (attestation === (m.token !== undefined)) fail(`${name}.token`, "MUST be present if and only if the attestation bit of data-item-requested is clear");
  }
  if (type === TEEP_TYPE.UPDATE && m.errMsg !== undefined && m.errCode === undefined) fail(`${name}.err-msg`, "given without err-code");
}

function encodeMessage(type: number, m: Record<string, unknown>): Uint8Array {
  const name = TEEP_TYPE_NAMES[type]!;
  const options = new Map<number, unknown>();
  for (const spec of OPTIONS[type]!) {
    const v = m[spec.key];
    if (v === undefined) continue;
    spec.check(v, `${name}.${spec.name}`);
    options.set(spec.label, v);
  }
  const known = new Set(["type", ...OPTIONS[type]!.map((s) => s.key), ...TRAILING[type]!.map((t) => t[1])]);
  for (const k of Object.keys(m)) if (!known.has(k) && m[k] !== undefined) throw new TeepDecodeError(`${name}.${k}`, `not a field of ${name}`);
  const trailing = TRAILING[type]!.map(([field, key, check]) => {
    check(m[key], `${name}.${field}`);
    return m[key];
  });
  crossChecks(type, m, name);
  return encodeCbor([type, options, ...trailing]);
}

export interface TeepDecodeOptions {
  /** "strict" (default) deterministic CBOR only, or "relaxed". */
  decoding?: CborDecoding;
  /** Only accept this message type. */
  expect?: number;
}

/** Decodes and checks any of the five TEEP messages; the result carries `type`. */
export function decodeTeep(bytes: Uint8Array, opts: TeepDecodeOptions = {}): TeepMessageBody {
  let raw: unknown;
  try {
    raw = strictDecode(bytes, "TEEP message", opts.decoding ?? "strict");
  } catch (e) {
    throw new TeepDecodeError("TEEP message", (e as Error).message.replace(/^TEEP message: /, ""));
  }
  if (!Array.isArray(raw) || raw.length < 2) fail("TEEP message", "not an array [type, options, ...]");
  const arr = raw as unknown[];
  if (!isInt(arr[0]) || arr[0] < 0 || arr[0] > 23) fail("TEEP message.type", "expected a uint (0..23)");
  const type = arr[0] as number;
  const name = TEEP_TYPE_NAMES[type];
  if (!name) throw new TeepDecodeError("TEEP message.type", `type ${type} is not a message this implementation knows (1..5)`, TEEP_ERR.ERR_UNSUPPORTED_EXTENSION);
  if (opts.expect !== undefined && type !== opts.expect) fail(`${name}`, `expected a ${TEEP_TYPE_NAMES[opts.expect] ?? opts.expect}`);
  const trailing = TRAILING[type]!;
  if (arr.length !== 2 + trailing.length) fail(name, `expected ${2 + trailing.length} array elements [type, options${trailing.map((t) => ", " + t[0]).join("")}], got ${arr.length}`);
  if (!isMap(arr[1])) fail(`${name}.options`, "expected a map");
  const out: Record<string, unknown> = { type };
  const specs = new Map(OPTIONS[type]!.map((s) => [s.label, s]));
  for (const [k, v] of arr[1] as Map<unknown, unknown>) {
    if (!isInt(k) || k < 0) fail(`${name}.options`, `label ${String(k)} is not a uint`);
    const spec = specs.get(k as number);
    if (!spec) throw new TeepDecodeError(`${name}.options.${String(k)}`, `label ${String(k)} is not defined for ${name} (no TEEP extension is supported)`, TEEP_ERR.ERR_UNSUPPORTED_EXTENSION);
    spec.check(v, `${name}.${spec.name}`);
    out[spec.key] = v;
  }
  trailing.forEach(([field, key, check], i) => {
    check(arr[2 + i], `${name}.${field}`);
    out[key] = arr[2 + i];
  });
  if (out.requestedTcList)
    out.requestedTcList = (out.requestedTcList as Map<number, unknown>[]).map((m) => {
      const r: RequestedTcInfo = { componentId: m.get(L.componentId) as SuitComponentId };
      if (m.has(L.tcManifestSequenceNumber)) r.tcManifestSequenceNumber = m.get(L.tcManifestSequenceNumber) as number;
      if (m.has(L.haveBinary)) r.haveBinary = m.get(L.haveBinary) as boolean;
      return r;
    });
  crossChecks(type, out, name);
  return out as unknown as TeepMessageBody;
}

/** Encodes any TEEP message from its `type` and fields (checked as decoding checks them). */
export function encodeTeep(m: TeepMessageBody): Uint8Array {
  if (!m || !TEEP_TYPE_NAMES[m.type]) throw new TeepDecodeError("TEEP message.type", `unknown type ${String(m?.type)}`);
  const fields: Record<string, unknown> = { ...m };
  if (m.type === TEEP_TYPE.QUERY_RESPONSE && m.requestedTcList)
    fields.requestedTcList = m.requestedTcList.map((r) => {
      const x = new Map<number, unknown>([[L.componentId, r.componentId]]);
      if (r.tcManifestSequenceNumber !== undefined) x.set(L.tcManifestSequenceNumber, r.tcManifestSequenceNumber);
      if (r.haveBinary !== undefined) x.set(L.haveBinary, r.haveBinary);
      return x;
    });
  if ((m.type === TEEP_TYPE.ERROR || m.type === TEEP_TYPE.UPDATE) && typeof fields.errMsg === "string") fields.errMsg = utf8Cut(fields.errMsg as string, 128);
  return encodeMessage(m.type, fields);
}

const strip = <T extends { type?: number }>(m: T): Omit<T, "type"> => {
  const { type: _t, ...rest } = m;
  return rest;
};

export const encodeQueryRequest = (q: QueryRequest): Uint8Array => encodeTeep({ type: TEEP_TYPE.QUERY_REQUEST, ...q });
export const decodeQueryRequest = (b: Uint8Array, opts: Omit<TeepDecodeOptions, "expect"> = {}): QueryRequest =>
  strip(decodeTeep(b, { ...opts, expect: TEEP_TYPE.QUERY_REQUEST }) as { type: 1 } & QueryRequest);
export const encodeQueryResponse = (q: QueryResponse): Uint8Array => encodeTeep({ type: TEEP_TYPE.QUERY_RESPONSE, ...q });
export const decodeQueryResponse = (b: Uint8Array, opts: Omit<TeepDecodeOptions, "expect"> = {}): QueryResponse =>
  strip(decodeTeep(b, { ...opts, expect: TEEP_TYPE.QUERY_RESPONSE }) as { type: 2 } & QueryResponse);
export const encodeUpdate = (u: Update): Uint8Array => encodeTeep({ type: TEEP_TYPE.UPDATE, ...u });
export const decodeUpdate = (b: Uint8Array, opts: Omit<TeepDecodeOptions, "expect"> = {}): Update => strip(decodeTeep(b, { ...opts, expect: TEEP_TYPE.UPDATE }) as { type: 3 } & Update);
export const encodeTeepSuccess = (s: TeepSuccess): Uint8Array => encodeTeep({ type: TEEP_TYPE.SUCCESS, ...s });
export const decodeTeepSuccess = (b: Uint8Array, opts: Omit<TeepDecodeOptions, "expect"> = {}): TeepSuccess =>
  strip(decodeTeep(b, { ...opts, expect: TEEP_TYPE.SUCCESS }) as { type: 4 } & TeepSuccess);
export const encodeTeepError = (e: TeepErrorMessage): Uint8Array => encodeTeep({ type: TEEP_TYPE.ERROR, ...e });
export const decodeTeepError = (b: Uint8Array, opts: Omit<TeepDecodeOptions, "expect"> = {}): TeepErrorMessage =>
  strip(decodeTeep(b, { ...opts, expect: TEEP_TYPE.ERROR }) as { type: 5 } & TeepErrorMessage);

export interface TeepMessage {
  type: number;
  options: ReadonlyMap<number, unknown>;
  /** The elements after the options map. */
  rest: unknown[];
}

/** The generic framework [type, options, ...] without checking the message's own CDDL. Throws TypeError when it is not one. */
export function decodeTeepMessage(bytes: Uint8Array): TeepMessage {
  const m = strictDecode(bytes, "TEEP message");
  if (!Array.isArray(m) || m.length < 2 || !isInt(m[0]) || m[0] < 0 || m[0] > 23 || !isMap(m[1])) throw new TypeError("not a TEEP message: [type, options, ...]");
  for (const k of m[1].keys()) if (!isInt(k) || k < 0) throw new TypeError(`TEEP option label ${String(k)} is not a uint`);
  return { type: m[0], options: m[1] as Map<number, unknown>, rest: m.slice(2) };
}
