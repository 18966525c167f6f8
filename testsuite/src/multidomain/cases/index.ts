// Every multi-domain scenario, in report order (grouped as model.GROUPS).
import type { Scenario } from "../model.js";
import { hierarchical } from "./hierarchical.js";
import { mesh } from "./mesh.js";
import { bridge, bridgeOfBridges } from "./bridge.js";
import { trustList } from "./trust-list.js";
import { rollover } from "./rollover.js";
import { gpki } from "./gpki.js";
import { revocation } from "./revocation.js";
import { encoding } from "./encoding.js";
import { pathological } from "./pathological.js";

export function allScenarios(): Scenario[] {
  return [...hierarchical, ...mesh, ...bridge, ...bridgeOfBridges, ...trustList, ...rollover, ...gpki, ...revocation, ...encoding, ...pathological];
}
