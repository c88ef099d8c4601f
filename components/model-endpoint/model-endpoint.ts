// ModelEndpoint: the quality gate and endpoint-status handlers (their roles and log groups), the gate's
// settings, and, when configured (prod), CloudWatch alarms on the endpoint to the notification topic.
// The endpoint itself is created or updated by the state machine (the fragment beside this file), so
// that each accepted model rolls out as one execution; data capture reaches it through the settings.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PolicyStatement } from "../asl/iam";
import { deployHandler, type HandlerDefaults } from "../shared/handler-function";
import { modelEndpointStatements, VARIANT_NAME } from "./definition";
import {
  type DeploymentReferences,
  type EndpointAlarmThresholds,
  endpointAlarmSpecs,
  endpointLogGroupName,
  endpointStatusStatements,
  qualityGateStatements,
} from "./permissions";

export interface ModelEndpointArgs extends HandlerDefaults {
  readonly endpointName: string;
  readonly artifactBucket: pulumi.Input<string>;
  /** Resolved key ARN of the stack's key. @default AWS-managed keys */
  readonly kmsKeyArn?: pulumi.Input<string | undefined>;
  /** The role models run with (the state machine passes it to CreateModel). */
  readonly sageMakerRoleArn: pulumi.Input<string>;
  readonly gate: { maxMae: number; maxRegressionHours: number };
  /** Alarms on the endpoint. @default none */
  readonly alarms?: EndpointAlarmThresholds;
  /** Where alarms notify; required with `alarms`. */
  readonly alarmTopicArn?: pulumi.Input<string>;
}

export function validateModelEndpointArgs(args: Pick<ModelEndpointArgs, "alarms" | "alarmTopicArn">): void {
  if (args.alarms && args.alarmTopicArn === undefined) {
    throw new Error("[endpoint.alarms] need a notification topic (alarmTopicArn) to notify.");
  }
}

export class ModelEndpoint extends pulumi.ComponentResource {
  readonly endpointName: pulumi.Output<string>;
  readonly qualityGateArn: pulumi.Output<string>;
  readonly endpointStatusArn: pulumi.Output<string>;
  readonly gate: pulumi.Output<{ maxMae: number; maxRegressionHours: number }>;
  readonly alarmNames: pulumi.Output<string[]>;
  readonly endpointLogGroupName: pulumi.Output<string>;
  /** What the state machine's role needs for this stage. */
  readonly stateMachineStatements: pulumi.Output<PolicyStatement[]>;

  constructor(name: string, args: ModelEndpointArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("visit-time:model-endpoint:ModelEndpoint", name, {}, opts);
    validateModelEndpointArgs(args);
    const refs: pulumi.Output<DeploymentReferences> = pulumi
      .all([args.aws, args.artifactBucket, args.kmsKeyArn])
      .apply(([env, artifactBucket, kmsKeyArn]) => ({
        aws: env,
        endpointName: args.endpointName,
        artifactBucket,
        ...(kmsKeyArn ? { kmsKeyArn } : {}),
      }));
    const qualityGate = deployHandler(
      name,
      args,
      {
        handler: "quality-gate",
        statements: refs.apply(qualityGateStatements),
        // Below the Task's 60 s, so a slow call fails as a Lambda timeout the Retry sees.
        timeoutSeconds: 50,
      },
      this,
    );
    const endpointStatus = deployHandler(
      name,
      args,
      { handler: "endpoint-status", statements: refs.apply(endpointStatusStatements), timeoutSeconds: 30 },
      this,
    );
    // SageMaker writes the endpoint's container logs here; created first, so they do not live forever.
    const endpointLogs = new aws.cloudwatch.LogGroup(
      `${name}-endpoint-logs`,
      {
        name: endpointLogGroupName(args.endpointName),
        retentionInDays: args.logRetentionDays,
        tags: args.tags,
      },
      { parent: this },
    );
    const alarms = (args.alarms ? endpointAlarmSpecs(args.alarms) : []).map(
      (spec) =>
        new aws.cloudwatch.MetricAlarm(
          `${name}-${spec.key}`,
          {
            alarmDescription: `${args.endpointName}: ${spec.description}`,
            namespace: "AWS/SageMaker",
            metricName: spec.metricName,
            dimensions: { EndpointName: args.endpointName, VariantName: VARIANT_NAME },
            statistic: spec.statistic,
            extendedStatistic: spec.extendedStatistic,
            period: spec.periodSeconds,
            evaluationPeriods: spec.evaluationPeriods,
            threshold: spec.threshold,
            comparisonOperator: spec.comparisonOperator,
            // No traffic (or no endpoint yet) is not an incident.
            treatMissingData: "notBreaching",
            alarmActions: args.alarmTopicArn ? [args.alarmTopicArn] : [],
            okActions: args.alarmTopicArn ? [args.alarmTopicArn] : [],
            tags: args.tags,
          },
          { parent: this },
        ),
    );
    this.endpointName = pulumi.output(args.endpointName);
    this.qualityGateArn = qualityGate.functionArn;
    this.endpointStatusArn = endpointStatus.functionArn;
    this.gate = pulumi.output(args.gate);
    this.alarmNames = pulumi.all(alarms.map((alarm) => alarm.name));
    this.endpointLogGroupName = endpointLogs.name;
    this.stateMachineStatements = pulumi
      .all([args.aws, this.qualityGateArn, this.endpointStatusArn, args.sageMakerRoleArn])
      .apply(([env, qualityGateArn, endpointStatusArn, roleArn]) =>
        modelEndpointStatements({
          aws: env,
          qualityGateArn,
          endpointStatusArn,
          roleArn,
          endpointName: args.endpointName,
        }),
      );
    this.registerOutputs({
      endpointName: this.endpointName,
      qualityGateArn: this.qualityGateArn,
      endpointStatusArn: this.endpointStatusArn,
      alarmNames: this.alarmNames,
      endpointLogGroupName: this.endpointLogGroupName,
      stateMachineStatements: this.stateMachineStatements,
    });
  }
}
