// Test helpers: typed resources and a one-call policy evaluation (the offline checker's engine).
import type { PolicyPackConfig } from "@pulumi/policy";
import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { evaluatePolicies, type AnyPolicy, type CheckedResource, type Violation } from "./check/evaluate";
import type { StateMachineDefinition } from "./lib/asl";

export function urnOf(type: string, name: string): string {
  return `urn:pulumi:test::visit-time-pipeline::${type}::${name}`;
}

/** A resource with inputs, its URN derived from type and name; extra fields (outputs, dependencies) optional. */
export function resource<TInputs extends object>(
  type: string,
  name: string,
  inputs: TInputs,
  extra: Partial<Omit<CheckedResource, "type" | "name" | "inputs">> = {},
): CheckedResource {
  return {
    type,
    name,
    urn: urnOf(type, name),
    inputs: structuredClone(inputs) as Record<string, unknown>,
    dependencies: [],
    propertyDependencies: {},
    ...extra,
  };
}

/** The violations of one policy, as `"<level> <resource>: <message>"` lines, easy to compare exactly. */
export async function check(
  policy: AnyPolicy,
  resources: CheckedResource[],
  config?: PolicyPackConfig[string],
): Promise<string[]> {
  const packConfig: PolicyPackConfig = config === undefined ? {} : { [policy.name]: config };
  const violations = await evaluatePolicies([policy], resources, packConfig);
  return violations.map(describe);
}

export function describe(violation: Violation): string {
  return `${violation.level} ${violation.resource?.name ?? "(stack)"}: ${violation.message}`;
}

/** A deep copy of `value` changed by `edit`: one change per violation, from a compliant fixture. */
export function changed<T>(value: T, edit: (copy: T) => void): T {
  const copy = structuredClone(value);
  edit(copy);
  return copy;
}

export type StateMachineInputs = Unwrap<aws.sfn.StateMachineArgs>;

/** A state machine whose definition is the given typed definition (serialized as the provider expects). */
export function stateMachine(
  name: string,
  definition: StateMachineDefinition,
  extra: Partial<StateMachineInputs> = {},
): CheckedResource {
  const inputs: StateMachineInputs = {
    definition: JSON.stringify(definition),
    roleArn: "arn:aws:iam::123456789012:role/pipeline-states",
    loggingConfiguration: {
      level: "ALL",
      includeExecutionData: true,
      logDestination: "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/states/pipeline:*",
    },
    ...extra,
  };
  return resource("aws:sfn/stateMachine:StateMachine", name, inputs);
}

/** A state machine whose definition is not known (preview) or is the given raw text. */
export function stateMachineWithRawDefinition(name: string, definition: string | undefined): CheckedResource {
  return resource("aws:sfn/stateMachine:StateMachine", name, {
    ...(definition === undefined ? {} : { definition }),
    roleArn: "arn:aws:iam::123456789012:role/pipeline-states",
  });
}
