// What the deployment handlers may do: the quality gate reads evaluations under runs/ and follows the
// endpoint to the served model (DescribeEndpoint → DescribeEndpointConfig → DescribeModel, see
// docs/contracts.md); endpoint-status only describes the endpoint. Plus the pure alarm definitions.
import type { AwsEnvironment, PolicyStatement } from "../asl/iam";
import {
  describeEndpointStatement,
  describeServedModelStatement,
  kmsUseStatements,
  listPrefixesStatement,
  objectsArn,
  objectsStatement,
} from "../shared/iam";
import { ARTIFACT_PREFIXES } from "../storage/layout";

export interface DeploymentReferences {
  aws: AwsEnvironment;
  endpointName: string;
  artifactBucket: string;
  /** Resolved key ARN of the stack's key. */
  kmsKeyArn?: string;
}

/** Where SageMaker writes an endpoint's container logs. */
export function endpointLogGroupName(endpointName: string): string {
  return `/aws/sagemaker/Endpoints/${endpointName}`;
}

export function qualityGateStatements(refs: DeploymentReferences): PolicyStatement[] {
  return [
    objectsStatement("ReadEvaluations", "read", [
      objectsArn(refs.aws, refs.artifactBucket, ARTIFACT_PREFIXES.runs),
    ]),
    listPrefixesStatement("ListRunArtifacts", refs.aws, refs.artifactBucket, [ARTIFACT_PREFIXES.runs]),
    describeEndpointStatement(refs.aws, refs.endpointName),
    describeServedModelStatement(refs.aws),
    ...kmsUseStatements("UseStackKey", refs.kmsKeyArn),
  ];
}

export function endpointStatusStatements(refs: DeploymentReferences): PolicyStatement[] {
  return [describeEndpointStatement(refs.aws, refs.endpointName)];
}

export interface EndpointAlarmThresholds {
  /** p99 of ModelLatency, milliseconds. */
  modelLatencyP99Ms: number;
  /** Invocation5XXErrors per 5 minutes. */
  invocation5xxErrors: number;
}

export interface EndpointAlarmSpec {
  key: "model-latency-p99" | "invocation-5xx";
  description: string;
  metricName: string;
  statistic?: string;
  extendedStatistic?: string;
  threshold: number;
  comparisonOperator: string;
  periodSeconds: number;
  evaluationPeriods: number;
}

/** The prod endpoint's alarms. SageMaker reports ModelLatency in microseconds. */
export function endpointAlarmSpecs(thresholds: EndpointAlarmThresholds): EndpointAlarmSpec[] {
  return [
    {
      key: "model-latency-p99",
      description: `p99 model latency above ${thresholds.modelLatencyP99Ms} ms for 15 minutes.`,
      metricName: "ModelLatency",
      extendedStatistic: "p99",
      threshold: thresholds.modelLatencyP99Ms * 1000,
      comparisonOperator: "GreaterThanThreshold",
      periodSeconds: 300,
      evaluationPeriods: 3,
    },
    {
      key: "invocation-5xx",
      description: `${thresholds.invocation5xxErrors} or more 5XX invocation errors in 5 minutes.`,
      metricName: "Invocation5XXErrors",
      statistic: "Sum",
      threshold: thresholds.invocation5xxErrors,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      periodSeconds: 300,
      evaluationPeriods: 1,
    },
  ];
}
