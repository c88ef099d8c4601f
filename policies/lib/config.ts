// Policy config with the schema's defaults filled in. The Pulumi engine fills them when it validates
// `--policy-pack-config`; reading through this keeps a policy correct when it runs without a config
// file (or with a partial one) whatever the engine does, and lets the offline checker share the rule.
import type { PolicyConfigSchema } from "@pulumi/policy";

/** The schema's `default` of every property that has one. */
export function schemaDefaults(schema: PolicyConfigSchema | undefined): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(schema?.properties ?? {})) {
    if (property.default !== undefined) defaults[key] = structuredClone(property.default);
  }
  return defaults;
}

/** The policy's config: the schema defaults overlaid with what the engine (or the checker) passes. */
export function policyConfig<T extends object>(
  schema: PolicyConfigSchema,
  args: { getConfig<U extends object>(): U },
): T {
  return { ...schemaDefaults(schema), ...args.getConfig<Partial<T>>() } as T;
}
