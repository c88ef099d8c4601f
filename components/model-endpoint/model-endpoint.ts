// ModelEndpoint: the quality gate and endpoint-status handlers (their roles and log groups), the
// endpoint's log group, the model registry (a SageMaker Model Package Group named after the endpoint,
// whose packages `npm run execution -- promote|rollback` deploy) and, when configured (prod), CloudWatch
// alarms on the endpoint to the notification topic. The endpoint itself is created or updated by the state machine (./definition.ts), so that each
// accepted model rolls out as one execution.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { modelPackageGroupNameOf } from "../../contracts/model-package";
import { deployHandler, type HandlerDefaults } from "../shared/handler-function";
import { VARIANT_NAME } from "./definition";
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
  /** The stack's key as a key ARN (the handlers' grants). @default AWS-managed keys */
  readonly kmsKeyArn?: pulumi.Input<string | undefined>;
  /** Captures requests and responses to `data-capture/<endpoint>` in the artifact bucket. @default none */
  readonly dataCapture?: { readonly samplingPercent: number };
  /** Alarms on the endpoint. @default none */
  readonly alarms?: EndpointAlarmThresholds;
  /** Where alarms notify; required with `alarms`. */
  readonly alarmTopicArn?: pulumi.Input<string>;
}

export function validateModelEndpointArgs(
  args: Partial<Pick<ModelEndpointArgs, "alarms" | "alarmTopicArn">>,
): void {
  if (args.alarms && args.alarmTopicArn === undefined) {
    throw new Error("[endpoint.alarms] need a notification topic (alarmTopicArn) to notify.");
  }
}

export class ModelEndpoint extends pulumi.ComponentResource {
  readonly endpointName: pulumi.Output<string>;
  readonly qualityGateArn: pulumi.Output<string>;
  readonly endpointStatusArn: pulumi.Output<string>;
  readonly alarmNames: pulumi.Output<string[]>;
  readonly endpointLogGroupName: pulumi.Output<string>;
  readonly modelPackageGroupName: pulumi.Output<string>;

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
    // One group per endpoint, the same name as the local registry's (local/model-registry.ts).
    const modelPackageGroup = new aws.sagemaker.ModelPackageGroup(
      `${name}-model-packages`,
      {
        modelPackageGroupName: modelPackageGroupNameOf(args.endpointName),
        modelPackageGroupDescription: `Models evaluated for endpoint ${args.endpointName}, with their metrics, lineage and approval status.`,
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
    this.alarmNames = pulumi.all(alarms.map((alarm) => alarm.name));
    this.endpointLogGroupName = endpointLogs.name;
    this.modelPackageGroupName = modelPackageGroup.modelPackageGroupName;
    this.registerOutputs({
      endpointName: this.endpointName,
      qualityGateArn: this.qualityGateArn,
      endpointStatusArn: this.endpointStatusArn,
      alarmNames: this.alarmNames,
      endpointLogGroupName: this.endpointLogGroupName,
      modelPackageGroupName: this.modelPackageGroupName,
    });
  }
}
