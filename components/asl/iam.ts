// IAM policy statements as plain data, so that each task builder can say which permissions the state
// machine's role needs for it, derived from the same props that render the state.

export interface PolicyStatement {
  /** Unique within one policy: says what the statement is for. */
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** Where ARNs are built: partition, region and account of the deployment. */
export interface AwsEnvironment {
  partition: string;
  region: string;
  accountId: string;
}

export function arn(
  env: AwsEnvironment,
  service: string,
  resource: string,
  options: { global?: boolean } = {},
) {
  const region = options.global ? "" : env.region;
  return `arn:${env.partition}:${service}:${region}:${env.accountId}:${resource}`;
}

/** A policy document as IAM expects it. */
export function policyDocument(statements: readonly PolicyStatement[]) {
  return { Version: "2012-10-17", Statement: [...statements] };
}

/** iam:PassRole on one named role, only towards SageMaker. */
export function passRoleToSageMaker(sid: string, roleArn: string): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: ["iam:PassRole"],
    Resource: [roleArn],
    Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } },
  };
}

/** A condition on a tag that a request sets (`aws:RequestTag`) or that a resource carries (`aws:ResourceTag`). */
export function tagCondition(
  kind: "aws:RequestTag" | "aws:ResourceTag",
  key: string,
  value: string,
): NonNullable<PolicyStatement["Condition"]> {
  return { StringEquals: { [`${kind}/${key}`]: value } };
}

/**
 * Create* `actions` on `resources` only with the tag `key` set to `value` in the request, and
 * sagemaker:AddTags as such a tagged request needs it: setting that tag on a resource that carries no other
 * value of it (a resource being created carries none), so the role can tag what it creates but never claim
 * another stack's resource by tagging it.
 */
export function createOnlyTagged(
  sids: { create: string; tag: string },
  actions: string[],
  resources: string[],
  key: string,
  value: string,
): PolicyStatement[] {
  return [
    {
      Sid: sids.create,
      Effect: "Allow",
      Action: actions,
      Resource: resources,
      Condition: tagCondition("aws:RequestTag", key, value),
    },
    {
      Sid: sids.tag,
      Effect: "Allow",
      Action: ["sagemaker:AddTags"],
      Resource: resources,
      Condition: {
        StringEquals: { [`aws:RequestTag/${key}`]: value },
        StringEqualsIfExists: { [`aws:ResourceTag/${key}`]: value },
      },
    },
  ];
}
