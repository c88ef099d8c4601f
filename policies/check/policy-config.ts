// The `--policy-pack-config` format (policy name → enforcement level, or an object with
// `enforcementLevel` and the policy's properties), resolved against each policy's schema the way the
// Pulumi engine does: schema defaults filled in, unknown policies and properties rejected.
import type { EnforcementLevel, Policy, PolicyPackConfig } from "@pulumi/policy";
import { schemaDefaults } from "../lib/config";
import { isRecord } from "../lib/json";

export interface ResolvedPolicyConfig {
  enforcementLevel: EnforcementLevel;
  properties: Record<string, unknown>;
}

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

function isLevel(value: unknown): value is EnforcementLevel {
  return typeof value === "string" && (LEVELS as readonly string[]).includes(value);
}

function typeError(value: unknown, expected: string): string | undefined {
  switch (expected) {
    case "array":
      return Array.isArray(value) ? undefined : "an array";
    case "integer":
      return Number.isInteger(value) ? undefined : "an integer";
    case "number":
      return typeof value === "number" ? undefined : "a number";
    case "boolean":
      return typeof value === "boolean" ? undefined : "a boolean";
    case "string":
      return typeof value === "string" ? undefined : "a string";
    case "object":
      return isRecord(value) ? undefined : "an object";
    default:
      return undefined;
  }
}

/** Resolves one policy's entry; throws with the policy and property named when the entry is invalid. */
export function resolvePolicyConfig(policy: Policy, packConfig: PolicyPackConfig): ResolvedPolicyConfig {
  const entry: unknown = packConfig[policy.name];
  const defaults = schemaDefaults(policy.configSchema);
  const fallbackLevel = policy.enforcementLevel ?? "advisory";
  if (entry === undefined) return { enforcementLevel: fallbackLevel, properties: defaults };
  if (isLevel(entry)) return { enforcementLevel: entry, properties: defaults };
  if (!isRecord(entry)) {
    throw new Error(`policy config "${policy.name}": expected an enforcement level or an object`);
  }
  const { enforcementLevel, ...given } = entry;
  if (enforcementLevel !== undefined && !isLevel(enforcementLevel)) {
    throw new Error(
      `policy config "${policy.name}": enforcementLevel must be one of ${LEVELS.join(", ")}, got ${JSON.stringify(enforcementLevel)}`,
    );
  }
  const schema = policy.configSchema?.properties ?? {};
  for (const [key, value] of Object.entries(given)) {
    const property = schema[key];
    if (property === undefined) {
      const known = Object.keys(schema).join(", ") || "none";
      throw new Error(`policy config "${policy.name}": unknown property "${key}" (known: ${known})`);
    }
    const expected = typeof property.type === "string" ? property.type : undefined;
    const problem = expected === undefined ? undefined : typeError(value, expected);
    if (problem !== undefined) {
      throw new Error(`policy config "${policy.name}": "${key}" must be ${problem}`);
    }
  }
  for (const key of policy.configSchema?.required ?? []) {
    if (given[key] === undefined && defaults[key] === undefined) {
      throw new Error(`policy config "${policy.name}": "${key}" is required`);
    }
  }
  return { enforcementLevel: enforcementLevel ?? fallbackLevel, properties: { ...defaults, ...given } };
}

/** Rejects entries for policies the pack does not have (a typo would silently disable nothing). */
export function checkPolicyNames(policies: readonly Policy[], packConfig: PolicyPackConfig): void {
  const names = new Set(policies.map((policy) => policy.name));
  for (const name of Object.keys(packConfig)) {
    if (!names.has(name)) {
      throw new Error(`policy config names an unknown policy "${name}" (known: ${[...names].join(", ")})`);
    }
  }
}
