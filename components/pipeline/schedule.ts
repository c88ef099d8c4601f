// The retraining schedule (the seed's CloudWatch Events trigger): an EventBridge Scheduler schedule that
// starts the state machine with the default input, and the role it starts it with. Created as children
// of the TrainingPipeline, so their names and URNs are the pipeline's.
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { AwsEnvironment } from "../asl/iam";
import type { StackConfig } from "../config";
import { createServiceRole } from "../shared/service-role";
import { schedulerStatements } from "./operations";

export interface RetrainingScheduleArgs {
  readonly aws: pulumi.Input<AwsEnvironment>;
  readonly stateMachineArn: pulumi.Output<string>;
  readonly schedule: StackConfig["schedule"];
  readonly tags: Record<string, string>;
}

/** `<name>-retraining`, with its `<name>-schedule-role`. */
export function scheduleRetraining(
  name: string,
  args: RetrainingScheduleArgs,
  parent: pulumi.Resource,
): aws.scheduler.Schedule {
  const role = createServiceRole(
    `${name}-schedule-role`,
    {
      service: "scheduler.amazonaws.com",
      description: "Starts the visit-time training pipeline on its schedule.",
      aws: args.aws,
      statements: args.stateMachineArn.apply(schedulerStatements),
      tags: args.tags,
    },
    parent,
  );
  return new aws.scheduler.Schedule(
    `${name}-retraining`,
    {
      description: "Retrains the visit-time model (the seed's CloudWatch Events trigger).",
      scheduleExpression: args.schedule.expression,
      scheduleExpressionTimezone: args.schedule.timezone,
      state: args.schedule.enabled ? "ENABLED" : "DISABLED",
      flexibleTimeWindow: { mode: "OFF" },
      target: {
        arn: args.stateMachineArn,
        roleArn: role.role.arn,
        // Every default applies: job names derive from the generated execution name.
        input: "{}",
        retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
      },
    },
    { parent, dependsOn: [role.policy] },
  );
}
