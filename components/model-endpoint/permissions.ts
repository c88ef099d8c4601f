// What the deployment handlers may do: the quality gate reads evaluations under runs/ and follows the
// endpoint to the served model (DescribeEndpoint → DescribeEndpointConfig → DescribeModel, see
// docs/contracts.md); endpoint-status only describes the endpoint. Plus the pure alarm definitions.
import { arn, type AwsEnvironment, type PolicyStatement } from "../asl/iam";
import { kmsUseStatements, listPrefixesStatement, objectsArn, objectsStatement } from "../shared/iam";
import { ARTIFACT_PREFIXES } from "../storage/layout";

export interface DeploymentReferences {
  aws: AwsEnvironment;
  endpointName: string;
  artifactBucket: string;
  /** Resolved key ARN of the stack's key. */
  kmsKeyArn?: string;
}

/** SageMaker ARNs carry endpoint names in lower case. */
export function endpointArn(aws: AwsEnvironment, endpointName: string): string {
  return arn(aws, "sagemaker", `endpoint/${endpointName.toLowerCase()}`);
}

function describeEndpointStatement(
  refs: Pick<DeploymentReferences, "aws" | "endpointName">,
): PolicyStatement {
  return {
    Sid: "DescribeTheEndpoint",
    Effect: "Allow",
    Action: ["sagemaker:DescribeEndpoint"],
    Resource: [endpointArn(refs.aws, refs.endpointName)],
  };
}

/** Where SageMaker writes an endpoint's container logs. */
export function endpointLogGroupName(endpointName: string): string {
  return `/aws/sagemaker/Endpoints/${endpointName}`;
}

/** Follow the endpoint to the model it serves: DescribeEndpoint → DescribeEndpointConfig → DescribeModel. */
function servedModelStatements(refs: Pick<DeploymentReferences, "aws" | "endpointName">): PolicyStatement[] {
  return [
    describeEndpointStatement(refs),
    {
      // Config and model names are per execution: every one of this account and region.
      Sid: "DescribeServedModel",
      Effect: "Allow",
      Action: ["sagemaker:DescribeEndpointConfig", "sagemaker:DescribeModel"],
      Resource: [arn(refs.aws, "sagemaker", "endpoint-config/*"), arn(refs.aws, "sagemaker", "model/*")],
    },
  ];
}

export function qualityGateStatements(refs: DeploymentReferences): PolicyStatement[] {
  return [
    objectsStatement("ReadEvaluations", "read", [
      objectsArn(refs.aws, refs.artifactBucket, ARTIFACT_PREFIXES.runs),
    ]),
    listPrefixesStatement("ListRunArtifacts", refs.aws, refs.artifactBucket, [ARTIFACT_PREFIXES.runs]),
    ...servedModelStatements(refs),
    ...kmsUseStatements("UseStackKey", refs.kmsKeyArn),
  ];
}

/** champion-model only follows the endpoint to its model's ModelDataUrl (SageMaker reads the artifact). */
export function championModelStatements(
  refs: Pick<DeploymentReferences, "aws" | "endpointName">,
): PolicyStatement[] {
  return servedModelStatements(refs);
}

export function endpointStatusStatements(refs: DeploymentReferences): PolicyStatement[] {
  return [describeEndpointStatement(refs)];
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
