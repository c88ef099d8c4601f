// Reads a mocked program run the way a reviewer reads a preview: resources by type, the policy
// documents, and the references the definition must have been built from (recomputed from the mocked
// resources, independently of the components).
import type { DeployedReferences } from "../components/config";
import { handlerArns } from "../contracts/handlers";
import type { IdentityPolicy } from "./iam-checks";
import type { RecordedResource } from "../policies/check/aws-mocks";
import type { ProgramRun } from "./program";

export const TYPES = {
  bucket: "aws:s3/bucket:Bucket",
  bucketEncryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  bucketObject: "aws:s3/bucketObjectv2:BucketObjectv2",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  lambda: "aws:lambda/function:Function",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  workgroup: "aws:athena/workgroup:Workgroup",
  glueDatabase: "aws:glue/catalogDatabase:CatalogDatabase",
  glueTable: "aws:glue/catalogTable:CatalogTable",
  repository: "aws:ecr/repository:Repository",
  image: "awsx:ecr:Image",
  stateMachine: "aws:sfn/stateMachine:StateMachine",
  schedule: "aws:scheduler/schedule:Schedule",
  eventRule: "aws:cloudwatch/eventRule:EventRule",
  eventTarget: "aws:cloudwatch/eventTarget:EventTarget",
  topic: "aws:sns/topic:Topic",
  topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
  subscription: "aws:sns/topicSubscription:TopicSubscription",
  key: "aws:kms/key:Key",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  modelPackageGroup: "aws:sagemaker/modelPackageGroup:ModelPackageGroup",
} as const;

export function countByType(run: ProgramRun): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const resource of run.mocks.resources) counts[resource.type] = (counts[resource.type] ?? 0) + 1;
  return counts;
}

export function only(run: ProgramRun, type: string, nameSuffix = ""): RecordedResource {
  const found = run.mocks.ofType(type).filter((resource) => resource.name.endsWith(nameSuffix));
  if (found.length !== 1) {
    throw new Error(`Expected one ${type} named *${nameSuffix}, found ${found.length}.`);
  }
  return found[0] as RecordedResource;
}

export function text(resource: RecordedResource, key: string): string {
  const value = resource.outputs[key];
  if (typeof value !== "string") throw new Error(`${resource.name}.${key} is not a string.`);
  return value;
}

export function json<T = unknown>(resource: RecordedResource, key: string): T {
  return JSON.parse(text(resource, key)) as T;
}

/** The key ARN the alias lookup returned (prod), or nothing (dev: AWS-managed keys). */
function stackKey(run: ProgramRun): { kmsKeyArn?: string } {
  const lookup = run.mocks.calls.find((call) => call.token === "aws:kms/getAlias:getAlias");
  if (!lookup) return {};
  return { kmsKeyArn: String(run.mocks.call({ token: lookup.token, inputs: lookup.inputs }).targetKeyArn) };
}

/** The references the state machine's definition points at, from the mocked resources. */
export function referencesFromResources(run: ProgramRun, prefix: string): DeployedReferences {
  const sql = only(run, TYPES.bucketObject);
  return {
    aws: { partition: "aws", region: run.mocks.region, accountId: run.mocks.account },
    lambdas: handlerArns((handler) => text(only(run, TYPES.lambda, `${prefix}-${handler}`), "arn")),
    dataBucket: text(only(run, TYPES.bucket, "-data"), "bucket"),
    artifactBucket: text(only(run, TYPES.bucket, "-artifacts"), "bucket"),
    sqlUri: `s3://${text(sql, "bucket")}/${text(sql, "key")}`,
    sageMakerRoleArn: text(only(run, TYPES.role, "-execution-role"), "arn"),
    imageUri: text(only(run, TYPES.image), "imageUri"),
    stackName: prefix,
    notificationTopicArn: text(only(run, TYPES.topic), "arn"),
    ...stackKey(run),
  };
}

/** Inline policies of every role (identity policies), by resource name. */
export function rolePolicies(run: ProgramRun): { resource: string; document: IdentityPolicy }[] {
  return run.mocks.ofType(TYPES.rolePolicy).map((resource) => ({
    resource: resource.name,
    document: json<IdentityPolicy>(resource, "policy"),
  }));
}

/** The statements of one role's inline policy (`<name>-policy`). */
export function statementsOf(run: ProgramRun, roleName: string): IdentityPolicy["Statement"] {
  return json<IdentityPolicy>(only(run, TYPES.rolePolicy, `${roleName}-policy`), "policy").Statement;
}
