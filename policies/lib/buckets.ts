// With AWS provider v7 a bucket's encryption, public access block and policy are separate resources
// that name the bucket in their `bucket` input: bucket policies are stack policies over those links.
import type { PolicyResource, ReportViolation, StackValidationArgs } from "@pulumi/policy";
import { reportAdvisory } from "./report";
import { BUCKET_TYPES } from "./resource-types";
import { isUnknownValueError, unlessUnknown } from "./unknown";

/** A property of a resource (throws, in the policy server during preview, when it is unknown). */
export function prop(resource: PolicyResource, key: string): unknown {
  const props: Record<string, unknown> = resource.props;
  return props[key];
}

/** The bucket's name as other resources refer to it: its `bucket` (name) or its `id` (the same in v7). */
function bucketIdentifiers(bucket: PolicyResource): string[] {
  return [unlessUnknown(() => prop(bucket, "bucket")), unlessUnknown(() => prop(bucket, "id"))].filter(
    (value): value is string => typeof value === "string" && value !== "",
  );
}

/**
 * Resources of `types` that configure `bucket`: their `bucket` input depends on the bucket resource
 * (known even during preview, when the name is not), or equals its name or id (resources from a file
 * or a stack export, which may carry no dependencies).
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
    const target = unlessUnknown(() => prop(resource, "bucket"));
    return typeof target === "string" && identifiers.includes(target);
  });
}

/**
 * Runs `check` for every bucket of the stack. A value unknown during preview makes that bucket's
 * check an advisory ("checked at `pulumi up`") instead of failing the policy for the whole stack.
 */
export function forEachBucket(
  args: StackValidationArgs,
  report: ReportViolation,
  check: (bucket: PolicyResource) => void,
): void {
  for (const bucket of args.resources.filter((resource) => BUCKET_TYPES.includes(resource.type))) {
    try {
      check(bucket);
    } catch (error) {
      if (!isUnknownValueError(error)) throw error;
      reportAdvisory(
        report,
        `the bucket cannot be checked during preview (${error.message}); it is checked at \`pulumi up\``,
        bucket.urn,
      );
    }
  }
}
