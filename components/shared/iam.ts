// Small pure builders for the IAM documents of the deployed roles: trust policies, S3 prefixes, KMS use,
// log writes. Every component derives its roles' statements from these, so least privilege is decided
// (and tested) in one place and without Pulumi.
import { arn, type AwsEnvironment, type PolicyStatement } from "../asl/iam";

/** Resources of `"*"` the deployed policies may contain, with the reason and where AWS documents it. */
export const WILDCARD_RESOURCE_EXCEPTIONS: Readonly<Record<string, string>> = {
  // https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-pull.html
  "ecr:GetAuthorizationToken": "the registry token is account-wide; the action has no resource type",
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html
  "cloudwatch:PutMetricData": "no resource type; limited by the cloudwatch:namespace condition instead",
  // https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html#cloudwatch-iam-policy
  "logs:CreateLogDelivery": "CloudWatch vended log deliveries have no resource type",
  "logs:GetLogDelivery": "CloudWatch vended log deliveries have no resource type",
  "logs:UpdateLogDelivery": "CloudWatch vended log deliveries have no resource type",
  "logs:DeleteLogDelivery": "CloudWatch vended log deliveries have no resource type",
  "logs:ListLogDeliveries": "CloudWatch vended log deliveries have no resource type",
  "logs:PutResourcePolicy": "the log resource policy that vended logs need is account-wide",
  "logs:DescribeResourcePolicies": "the log resource policy that vended logs need is account-wide",
  "logs:DescribeLogGroups": "listing log groups has no resource type",
  // https://docs.aws.amazon.com/step-functions/latest/dg/xray-iam.html
  "xray:PutTraceSegments": "X-Ray trace APIs have no resource type",
  "xray:PutTelemetryRecords": "X-Ray trace APIs have no resource type",
  "xray:GetSamplingRules": "X-Ray trace APIs have no resource type",
  "xray:GetSamplingTargets": "X-Ray trace APIs have no resource type",
};

/**
 * Services that send `aws:SourceAccount` when they assume a role, so that the trust policy can require
 * it (confused-deputy protection, https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html):
 * Step Functions (https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html)
 * and EventBridge Scheduler (https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html).
 * Lambda and SageMaker do not send it for execution roles: the condition would stop them assuming it.
 */
export const SERVICES_SENDING_SOURCE_ACCOUNT: ReadonlySet<string> = new Set([
  "states.amazonaws.com",
  "scheduler.amazonaws.com",
]);

/** The trust policy of a role that one AWS service assumes (for this account only, where it can say). */
export function assumeRolePolicy(service: string, sourceAccount: string) {
  const condition = SERVICES_SENDING_SOURCE_ACCOUNT.has(service)
    ? { Condition: { StringEquals: { "aws:SourceAccount": sourceAccount } } }
    : {};
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole", ...condition }],
  };
}

export function bucketArn(aws: AwsEnvironment, bucket: string): string {
  return `arn:${aws.partition}:s3:::${bucket}`;
}

/** Objects under one key prefix (`prefix` ends with `/`, or is empty for the whole bucket). */
export function objectsArn(aws: AwsEnvironment, bucket: string, prefix: string): string {
  return `${bucketArn(aws, bucket)}/${prefix}*`;
}

/** Exactly one object. */
export function objectArn(aws: AwsEnvironment, bucket: string, key: string): string {
  return `${bucketArn(aws, bucket)}/${key}`;
}

/**
 * GetBucketLocation on whole buckets. Never inside a statement conditioned on `s3:prefix`: the request
 * carries no prefix, so such a statement would never allow it.
 */
export function bucketLocationStatement(
  sid: string,
  aws: AwsEnvironment,
  buckets: readonly string[],
): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: ["s3:GetBucketLocation"],
    Resource: [...new Set(buckets)].map((bucket) => bucketArn(aws, bucket)),
  };
}

/** ListBucket on one bucket, limited to key prefixes (a ListBucket request carries `s3:prefix`). */
export function listPrefixesStatement(
  sid: string,
  aws: AwsEnvironment,
  bucket: string,
  prefixes: readonly string[],
): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: ["s3:ListBucket"],
    Resource: [bucketArn(aws, bucket)],
    Condition: { StringLike: { "s3:prefix": prefixes.flatMap((prefix) => [prefix, `${prefix}*`]) } },
  };
}

export type ObjectAccess = "read" | "write" | "readWrite";

const OBJECT_ACTIONS: Record<ObjectAccess, string[]> = {
  read: ["s3:GetObject"],
  write: ["s3:PutObject", "s3:AbortMultipartUpload"],
  readWrite: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"],
};

export function objectsStatement(
  sid: string,
  access: ObjectAccess,
  resources: readonly string[],
): PolicyStatement {
  return { Sid: sid, Effect: "Allow", Action: [...OBJECT_ACTIONS[access]], Resource: [...resources] };
}

/**
 * Use of the stack's customer-managed key for S3 objects and SageMaker volumes (none when the stack
 * uses AWS-managed keys). Grants only for AWS resources (SageMaker attaches volumes through grants).
 */
export function kmsUseStatements(
  sid: string,
  keyArn: string | undefined,
  options: { grants?: boolean } = {},
): PolicyStatement[] {
  if (!keyArn) return [];
  const use: PolicyStatement = {
    Sid: sid,
    Effect: "Allow",
    Action: ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
    Resource: [keyArn],
  };
  if (!options.grants) return [use];
  return [
    use,
    {
      Sid: `${sid}Grants`,
      Effect: "Allow",
      Action: ["kms:CreateGrant"],
      Resource: [keyArn],
      Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
    },
  ];
}

export function logGroupArn(aws: AwsEnvironment, logGroupName: string): string {
  return arn(aws, "logs", `log-group:${logGroupName}`);
}

/** Writing to one log group (CloudWatch Logs ARNs of streams end with `:log-stream:<name>`). */
export function writeLogsStatement(sid: string, aws: AwsEnvironment, logGroupName: string): PolicyStatement {
  const group = logGroupArn(aws, logGroupName);
  return {
    Sid: sid,
    Effect: "Allow",
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: [group, `${group}:log-stream:*`],
  };
}

/** KMS key ARNs are used as they are; an alias ARN is resolved to its key (IAM matches key ARNs only). */
export function kmsAliasName(keyOrAliasArn: string): string | undefined {
  const match = /:(alias\/.+)$/.exec(keyOrAliasArn);
  return match?.[1];
}

/** SageMaker ARNs carry endpoint names in lower case. */
export function endpointArn(aws: AwsEnvironment, endpointName: string): string {
  return arn(aws, "sagemaker", `endpoint/${endpointName.toLowerCase()}`);
}

/** DescribeEndpoint on the one endpoint the stack deploys to. */
export function describeEndpointStatement(aws: AwsEnvironment, endpointName: string): PolicyStatement {
  return {
    Sid: "DescribeTheEndpoint",
    Effect: "Allow",
    Action: ["sagemaker:DescribeEndpoint"],
    Resource: [endpointArn(aws, endpointName)],
  };
}

/**
 * Follow an endpoint to the model it serves (DescribeEndpointConfig → DescribeModel). Config and model
 * names are per execution: every one of this account and region.
 */
export function describeServedModelStatement(aws: AwsEnvironment): PolicyStatement {
  return {
    Sid: "DescribeServedModel",
    Effect: "Allow",
    Action: ["sagemaker:DescribeEndpointConfig", "sagemaker:DescribeModel"],
    Resource: [arn(aws, "sagemaker", "endpoint-config/*"), arn(aws, "sagemaker", "model/*")],
  };
}
