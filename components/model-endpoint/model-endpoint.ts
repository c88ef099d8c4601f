// ModelEndpoint: the quality gate and endpoint-status handlers (their roles and log groups), the gate's
// settings, and, when configured (prod), CloudWatch alarms on the endpoint to the notification topic.
// The endpoint itself is created or updated by the state machine (this component's fragment, from the
// builder props the composer maps its settings to), so that each accepted model rolls out as one
// execution.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PolicyStatement } from "../asl/iam";
import type { Fragment } from "../asl/types";
import { endpointSettings } from "../config";
import { modelEndpointProps, type ModelEndpointSettings } from "../pipeline/definition";
import type { EndpointVariant, GateSettings } from "../settings";
import { deployHandler, type HandlerDefaults } from "../shared/handler-function";
import { buildModelEndpointFragment, modelEndpointStatements, VARIANT_NAME } from "./definition";
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
  /** The stack's key as a key ARN (the handlers' grants, the endpoint configs). @default AWS-managed keys */
  readonly kmsKeyArn?: pulumi.Input<string | undefined>;
  /** The role models run with (the state machine passes it to CreateModel). */
  readonly sageMakerRoleArn: pulumi.Input<string>;
  /** The image the models serve. */
  readonly imageUri: pulumi.Input<string>;
  readonly variant: EndpointVariant;
  /** Captures requests and responses to `data-capture/<endpoint>` in the artifact bucket. @default none */
  readonly dataCapture?: { readonly samplingPercent: number };
  /** How often and how many times the fragment checks that the endpoint is InService. */
  readonly wait: Readonly<ModelEndpointSettings["endpoint"]["wait"]>;
  readonly gate: GateSettings;
  /** Alarms on the endpoint. @default none */
  readonly alarms?: EndpointAlarmThresholds;
  /** Where alarms notify; required with `alarms`. */
  readonly alarmTopicArn?: pulumi.Input<string>;
}

export function validateModelEndpointArgs(
  args: Partial<Pick<ModelEndpointArgs, "alarms" | "alarmTopicArn" | "variant" | "dataCapture">>,
): void {
  if (args.alarms && args.alarmTopicArn === undefined) {
    throw new Error("[endpoint.alarms] need a notification topic (alarmTopicArn) to notify.");
  }
  if (args.dataCapture && args.variant?.kind === "serverless") {
    throw new Error(
      "[endpoint.dataCapture] is not supported by serverless endpoints; use an instance variant or remove it.",
    );
  }
}

export class ModelEndpoint extends pulumi.ComponentResource {
  readonly endpointName: pulumi.Output<string>;
  readonly qualityGateArn: pulumi.Output<string>;
  readonly endpointStatusArn: pulumi.Output<string>;
  readonly gate: pulumi.Output<GateSettings>;
  readonly alarmNames: pulumi.Output<string[]>;
  readonly endpointLogGroupName: pulumi.Output<string>;
  /** QualityGate … Deployed, invoking this component's functions. */
  readonly fragment: pulumi.Output<Fragment>;
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
    const stage = pulumi
      .all([
        args.aws,
        this.qualityGateArn,
        this.endpointStatusArn,
        args.sageMakerRoleArn,
        args.imageUri,
        args.artifactBucket,
        args.tags,
        args.kmsKeyArn,
      ])
      .apply(([env, qualityGate, endpointStatus, roleArn, imageUri, artifactBucket, tags, kmsKeyArn]) =>
        modelEndpointProps({
          aws: env,
          tags: tags ?? {},
          lambdas: { qualityGate, endpointStatus },
          sagemaker: { roleArn, imageUri },
          storage: { kmsKeyArn },
          gate: args.gate,
          endpoint: endpointSettings(
            {
              name: args.endpointName,
              variant: args.variant,
              dataCapture: args.dataCapture,
              wait: args.wait,
            },
            artifactBucket,
          ),
        }),
      );
    this.fragment = stage.apply(buildModelEndpointFragment);
    this.stateMachineStatements = stage.apply(modelEndpointStatements);
    this.registerOutputs({
      endpointName: this.endpointName,
      qualityGateArn: this.qualityGateArn,
      endpointStatusArn: this.endpointStatusArn,
      alarmNames: this.alarmNames,
      endpointLogGroupName: this.endpointLogGroupName,
      fragment: this.fragment,
      stateMachineStatements: this.stateMachineStatements,
    });
  }
}
