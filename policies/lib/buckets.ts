// With AWS provider v7 a bucket's encryption, public access block and policy are separate resources
// that name the bucket in their `bucket` input: bucket policies are stack policies over those links.
import type { PolicyResource } from "@pulumi/policy";
import { BUCKET_TYPES } from "./resource-types";

/**
 * Reads a property that may be unknown during preview: the policy server's proxy throws on access to
 * an unknown value, which would turn the whole stack check into "cannot run during preview".
 */
export function knownProp(resource: PolicyResource, key: string): unknown {
  try {
    const props: Record<string, unknown> = resource.props;
    return props[key];
  } catch {
    return undefined;
  }
}

export function bucketsOf(resources: readonly PolicyResource[]): PolicyResource[] {
  return resources.filter((resource) => BUCKET_TYPES.includes(resource.type));
}

/** The bucket's name as other resources refer to it: its `bucket` (name) or its `id` (the same in v7). */
function bucketIdentifiers(bucket: PolicyResource): string[] {
  return [knownProp(bucket, "bucket"), knownProp(bucket, "id")].filter(
    (value): value is string => typeof value === "string" && value !== "",
  );
}

/**
 * Resources of `types` that configure `bucket`: their `bucket` input depends on the bucket resource
 * (known even during preview), or equals its name or id (resources from a file or a stack export).
 */
export function configuring(
  bucket: PolicyResource,
  resources: readonly PolicyResource[],
  types: readonly string[],
): PolicyResource[] {
  const identifiers = bucketIdentifiers(bucket);
  return resources.filter((resource) => {
    if (!types.includes(resource.type)) return false;
    const dependsOn = resource.propertyDependencies["bucket"] ?? [];
    if (dependsOn.some((dependency) => dependency.urn === bucket.urn)) return true;
    const target = knownProp(resource, "bucket");
    return typeof target === "string" && identifiers.includes(target);
  });
}
