// The state machine of one stack: its log group, its role (the definition's statements, then logging,
// tracing and the stack's key) and the Step Functions state machine that runs the definition. Created
// as children of the TrainingPipeline, so their names and URNs are the pipeline's.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsEnvironment, PolicyStatement } from "../asl/iam";
import type { StackConfig } from "../config";
import type { PipelineSettings } from "../settings";
import { kmsUseStatements } from "../shared/iam";
import { createServiceRole } from "../shared/service-role";
import { pipelineStatements } from "./definition";
import { stateMachineLoggingStatements, stateMachineTracingStatements } from "./operations";

/** Every permission of the state machine's role: the definition's, then logging, tracing and the key. */
export function stateMachineRoleStatements(
  settings: PipelineSettings,
  kmsKeyArn: string | undefined,
): PolicyStatement[] {
  return [
    ...pipelineStatements(settings),
    ...stateMachineLoggingStatements(),
    ...stateMachineTracingStatements(),
    // Endpoint configs and jobs that name the stack's key need grants on it from the caller.
    ...kmsUseStatements("UseStackKeyForSageMaker", kmsKeyArn, { grants: true }),
  ];
}

export interface StateMachineArgs {
  readonly aws: pulumi.Input<AwsEnvironment>;
  readonly definition: pulumi.Input<string>;
  readonly roleStatements: pulumi.Input<PolicyStatement[]>;
  readonly logging: StackConfig["logging"];
  readonly tags: Record<string, string>;
}

/** `<name>-training`, with its `<name>-executions` log group and `<name>-state-machine-role`. */
export function deployStateMachine(
  name: string,
  args: StateMachineArgs,
  parent: pulumi.Resource,
): aws.sfn.StateMachine {
  const stateMachineName = `${name}-training`;
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-executions`,
    {
      // The /aws/vendedlogs/ prefix keeps the account's log resource policy small.
      name: `/aws/vendedlogs/states/${stateMachineName}`,
      retentionInDays: args.logging.retentionDays,
      tags: args.tags,
    },
    { parent },
  );
  const role = createServiceRole(
    `${name}-state-machine-role`,
    {
      service: "states.amazonaws.com",
      description: "Runs the visit-time training pipeline's state machine.",
      aws: args.aws,
      statements: args.roleStatements,
      tags: args.tags,
    },
    parent,
  );
  return new aws.sfn.StateMachine(
    stateMachineName,
    {
      name: stateMachineName,
      type: "STANDARD",
      definition: args.definition,
      roleArn: role.role.arn,
      loggingConfiguration: {
        level: args.logging.level,
        includeExecutionData: args.logging.includeExecutionData,
        logDestination: pulumi.interpolate`${logGroup.arn}:*`,
      },
      tracingConfiguration: { enabled: true },
      tags: args.tags,
    },
    // Step Functions checks the role's permissions when the state machine is created.
    { parent, dependsOn: [role.policy, logGroup] },
  );
}
