// Evaluates policies the way the Pulumi policy server does, without the engine: every resource
// policy on every resource's inputs, every stack policy once over all resources, with each policy's
// resolved config and enforcement level. Used by the offline checker and by the policy tests.
import type {
  EnforcementLevel,
  PolicyPackConfig,
  PolicyResource,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { ViolationInfo } from "../lib/report";
import { checkPolicyNames, resolvePolicyConfig } from "./policy-config";

export type AnyPolicy = ResourceValidationPolicy | StackValidationPolicy;

/** A resource as the checker knows it: from a resources file, a stack export or the mocked program. */
export interface CheckedResource {
  type: string;
  name: string;
  urn: string;
  inputs: Record<string, unknown>;
  /** Output properties when known (stack export); stack policies see inputs overlaid with them. */
  outputs?: Record<string, unknown>;
  parent?: string;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
}

export interface Violation {
  policy: string;
  level: EnforcementLevel;
  /** Absent for a violation of the stack as a whole. */
  resource?: { name: string; type: string; urn: string };
  message: string;
}

class NotApplicable extends Error {}

function isTypeOf(type: string, resourceClass: unknown): boolean {
  return (
    typeof resourceClass === "function" &&
    (resourceClass as unknown as { __pulumiType?: unknown }).__pulumiType === type
  );
}

const NO_OPTIONS = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

function notApplicable(reason?: string): never {
  throw new NotApplicable(reason);
}

function collector(
  policy: string,
  level: EnforcementLevel,
  byUrn: ReadonlyMap<string, CheckedResource>,
  into: Violation[],
  fixedResource?: CheckedResource,
): (message: string | ViolationInfo, urn?: string) => void {
  return (report, urn) => {
    const info = typeof report === "string" ? { message: report, urn } : report;
    const resource = fixedResource ?? (info.urn === undefined ? undefined : byUrn.get(info.urn));
    const levelOfReport = typeof report === "string" ? level : report.enforcementLevel;
    into.push({
      policy,
      level: levelOfReport,
      message: info.message,
      ...(resource ? { resource: { name: resource.name, type: resource.type, urn: resource.urn } } : {}),
    });
  };
}

/** Runs one validation: "not applicable" is silent, any other error becomes a blocking violation. */
async function guarded(
  policy: string,
  into: Violation[],
  resource: CheckedResource | undefined,
  validation: () => Promise<void> | void,
): Promise<void> {
  try {
    await validation();
  } catch (error) {
    if (!(error instanceof NotApplicable)) into.push(failure(policy, error, resource));
  }
}

function failure(policy: string, error: unknown, resource?: CheckedResource): Violation {
  const reason = error instanceof Error ? error.message : String(error);
  return {
    policy,
    level: "mandatory",
    message: `the policy failed: ${reason}`,
    ...(resource ? { resource: { name: resource.name, type: resource.type, urn: resource.urn } } : {}),
  };
}

function policyResources(resources: readonly CheckedResource[]): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  const list = resources.map((resource) => {
    const props = { ...resource.inputs, ...resource.outputs };
    const policyResource: PolicyResource = {
      type: resource.type,
      name: resource.name,
      urn: resource.urn,
      props,
      opts: NO_OPTIONS,
      dependencies: [],
      propertyDependencies: {},
      isType: (resourceClass) => isTypeOf(resource.type, resourceClass),
      asType: (resourceClass) => (isTypeOf(resource.type, resourceClass) ? (props as never) : undefined),
    };
    byUrn.set(resource.urn, policyResource);
    return policyResource;
  });
  resources.forEach((resource, index) => {
    const target = list[index];
    if (target === undefined) return;
    const lookup = (urns: string[]): PolicyResource[] =>
      urns.map((urn) => byUrn.get(urn)).filter((found): found is PolicyResource => found !== undefined);
    target.dependencies = lookup(resource.dependencies);
    target.propertyDependencies = Object.fromEntries(
      Object.entries(resource.propertyDependencies).map(([key, urns]) => [key, lookup(urns)]),
    );
    const parent = resource.parent === undefined ? undefined : byUrn.get(resource.parent);
    if (parent) target.parent = parent;
  });
  return list;
}

/** What one policy's evaluation works with. */
interface PolicyRun {
  level: EnforcementLevel;
  config: Record<string, unknown>;
  resources: readonly CheckedResource[];
  byUrn: ReadonlyMap<string, CheckedResource>;
  into: Violation[];
}

/** The arguments resource and stack validations share. */
function commonArgs(config: Record<string, unknown>) {
  return {
    stackTags: new Map<string, string>(),
    getConfig: <T extends object>() => structuredClone(config) as T,
    notApplicable,
  };
}

async function runResourcePolicy(
  policy: ResourceValidationPolicy,
  { level, config, resources, byUrn, into }: PolicyRun,
): Promise<void> {
  const validations: ResourceValidation[] =
    policy.validateResource === undefined
      ? []
      : Array.isArray(policy.validateResource)
        ? policy.validateResource
        : [policy.validateResource];
  for (const resource of resources) {
    const report = collector(policy.name, level, byUrn, into, resource);
    const args: ResourceValidationArgs = {
      type: resource.type,
      name: resource.name,
      urn: resource.urn,
      props: structuredClone(resource.inputs),
      opts: NO_OPTIONS,
      isType: (resourceClass) => isTypeOf(resource.type, resourceClass),
      asType: (resourceClass) => (isTypeOf(resource.type, resourceClass) ? (args.props as never) : undefined),
      ...commonArgs(config),
    };
    for (const validation of validations) {
      await guarded(policy.name, into, resource, () => validation(args, report));
    }
  }
}

async function runStackPolicy(
  policy: StackValidationPolicy,
  { level, config, resources, byUrn, into }: PolicyRun,
): Promise<void> {
  const args: StackValidationArgs = { resources: policyResources(resources), ...commonArgs(config) };
  await guarded(policy.name, into, undefined, () =>
    policy.validateStack(args, collector(policy.name, level, byUrn, into)),
  );
}

/** Evaluates every policy that is not disabled; violations come in policy order, then resource order. */
export async function evaluatePolicies(
  policies: readonly AnyPolicy[],
  resources: readonly CheckedResource[],
  packConfig: PolicyPackConfig = {},
): Promise<Violation[]> {
  checkPolicyNames(policies, packConfig);
  const byUrn = new Map(resources.map((resource) => [resource.urn, resource]));
  const violations: Violation[] = [];
  for (const policy of policies) {
    const { enforcementLevel, properties } = resolvePolicyConfig(policy, packConfig);
    if (enforcementLevel === "disabled") continue;
    const run: PolicyRun = {
      level: enforcementLevel,
      config: properties,
      resources,
      byUrn,
      into: violations,
    };
    if ("validateStack" in policy) await runStackPolicy(policy, run);
    else await runResourcePolicy(policy, run);
  }
  return violations;
}

/** True when a violation blocks a deployment (`remediate` without a remediation blocks like `mandatory`). */
export function isBlocking(violation: Violation): boolean {
  return violation.level === "mandatory" || violation.level === "remediate";
}
