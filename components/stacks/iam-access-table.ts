// The IAM access table: for every role the stacks create, the AWS calls it must be able to make at run
// time (as the AWS documentation states them) and calls it must never make. The tests
// (`{dev,prod}-iam-access.test.ts`) evaluate each row against the role's policy as the program deploys
// it (run under Pulumi mocks), with an IAM engine, and prove the table is not vacuous: removing any one
// statement from a role fails at least one of its rows. docs/deploy.md links here.
//
// Sources, by role:
// - Lambda roles: https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html (logs);
//   Athena runs a query with the caller's permissions on Glue and S3:
//   https://docs.aws.amazon.com/athena/latest/ug/access.html,
//   https://docs.aws.amazon.com/athena/latest/ug/fine-grained-access-to-glue-resources.html,
//   https://docs.aws.amazon.com/athena/latest/ug/encryption.html (SSE-KMS results).
// - SageMaker execution role: https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html
//   (ECR pull, S3 input/output, CloudWatch Logs and metrics, KMS for volumes and outputs).
// - State machine role: https://docs.aws.amazon.com/step-functions/latest/dg/sagemaker-iam.html (.sync job
//   APIs, ListTags/AddTags, PassRole, the EventBridge managed rules),
//   https://docs.aws.amazon.com/step-functions/latest/dg/lambda-iam.html,
//   https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html, .../xray-iam.html; the model
//   registry: https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html
//   (CreateModelPackage acts on model-package/<group>/<version>); the rejection notice:
//   https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html (Publish to an encrypted topic).
// - Scheduler role: https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html.

import { STACK_TAG_KEY } from "../settings";

/** What a row needs to know about a deployed stack (read from the mocked program run). */
export interface StackFacts {
  account: string;
  region: string;
  /** `visit-time-<stack>`: the prefix of every name the stack gives. */
  prefix: string;
  dataBucket: string;
  artifactBucket: string;
  rawHitsBucket: string;
  /** Key prefix of the raw hits, ending with `/`. */
  rawHitsPrefix: string;
  workgroup: string;
  database: string;
  table: string;
  endpointName: string;
  sageMakerRoleArn: string;
  repositoryArn: string;
  stateMachineArn: string;
  /** The endpoint's Model Package Group (the stack's model registry). */
  modelPackageGroup: string;
  /** The stack's notification topic. */
  topicArn: string;
  /** The stack's key as a key ARN (prod), absent with AWS-managed keys (dev). */
  keyArn?: string;
  /** The endpoint captures data (prod). */
  dataCapture: boolean;
}

/** The roles of a stack, by the resource name suffix of the role (`<prefix>-<suffix>`). */
export const ROLES = {
  startQuery: "start-query-role",
  getQueryStatus: "get-query-status-role",
  snapshotDataset: "snapshot-dataset-role",
  qualityGate: "quality-gate-role",
  endpointStatus: "endpoint-status-role",
  championModel: "champion-model-role",
  sageMakerExecution: "execution-role",
  stateMachine: "state-machine-role",
  scheduler: "schedule-role",
} as const;
export type RoleKey = keyof typeof ROLES;

/** One AWS request, described for a stack. */
export interface Call {
  action: string;
  resource: (s: StackFacts) => string;
  /** Condition keys the request carries. */
  context?: (s: StackFacts) => Record<string, string | string[]>;
  /** Why the role makes (or must never make) this call. */
  why: string;
  /** Only for stacks that have this (a customer-managed key, data capture). */
  only?: "stackKey" | "dataCapture";
}

export interface RoleAccess {
  allowed: readonly Call[];
  denied: readonly Call[];
}

const OTHER_ACCOUNT = "210987654321";
const s3 = (bucket: string, key = "") => `arn:aws:s3:::${bucket}${key ? `/${key}` : ""}`;
const athena = (s: StackFacts, workgroup: string) =>
  `arn:aws:athena:${s.region}:${s.account}:workgroup/${workgroup}`;
const glue = (s: StackFacts, resource: string) => `arn:aws:glue:${s.region}:${s.account}:${resource}`;
const sagemaker = (s: StackFacts, resource: string, account = s.account) =>
  `arn:aws:sagemaker:${s.region}:${account}:${resource}`;
const lambdaLogs = (s: StackFacts, handler: string) =>
  `arn:aws:logs:${s.region}:${s.account}:log-group:/aws/lambda/${s.prefix}-${handler}:log-stream:2026/11/28/[$LATEST]0a1b`;
const fn = (s: StackFacts, handler: string) =>
  `arn:aws:lambda:${s.region}:${s.account}:function:${s.prefix}-${handler}`;
const key = (s: StackFacts) => s.keyArn ?? "";
const otherKey = (s: StackFacts) =>
  `arn:aws:kms:${s.region}:${s.account}:key/00000000-1111-2222-3333-444444444444`;
const listing = (prefix: string) => () => ({ "s3:prefix": prefix });
const passedTo = (service: string) => () => ({ "iam:PassedToService": service });
const RUN = "run-20261128T030000Z";
/** Another pipeline stack of the same account: its SageMaker resources carry its own stack tag. */
const OTHER_STACK = "visit-time-other";
/** A create request tagged with the stack's name (`aws:RequestTag`), this stack's unless another is named. */
const createdFor =
  (stack?: string) =>
  (s: StackFacts): Record<string, string> => ({ [`aws:RequestTag/${STACK_TAG_KEY}`]: stack ?? s.prefix });
/** A resource that carries a stack's tag (`aws:ResourceTag`), this stack's unless another is named. */
const ownedBy =
  (stack?: string) =>
  (s: StackFacts): Record<string, string> => ({ [`aws:ResourceTag/${STACK_TAG_KEY}`]: stack ?? s.prefix });

/** Writing its own log stream: every Lambda role. */
const writesOwnLogs = (handler: string): Call => ({
  action: "logs:PutLogEvents",
  resource: (s) => lambdaLogs(s, handler),
  why: "Lambda writes the handler's JSON logs to /aws/lambda/<function>",
});
const usesStackKey = (action: string, why: string): Call => ({
  action,
  resource: key,
  why,
  only: "stackKey",
});

/** kms:CreateGrant as SageMaker makes it: for an AWS resource (a job's volume, an endpoint's). */
const grantsForAwsResources = (why: string): Call => ({
  action: "kms:CreateGrant",
  resource: key,
  context: () => ({ "kms:GrantIsForAWSResource": "true" }),
  why,
  only: "stackKey",
});

/** DescribeEndpoint → DescribeEndpointConfig → DescribeModel: the model the stack's endpoint serves. */
const followsEndpointToModel = (whyModel: string): Call[] => [
  {
    action: "sagemaker:DescribeEndpoint",
    resource: (s) => sagemaker(s, `endpoint/${s.endpointName}`),
    why: "finds the configuration the endpoint serves",
  },
  {
    action: "sagemaker:DescribeEndpointConfig",
    resource: (s) => sagemaker(s, "endpoint-config/run-1-config"),
    why: "follows it to the served model",
  },
  {
    action: "sagemaker:DescribeModel",
    resource: (s) => sagemaker(s, "model/run-1-model"),
    why: whyModel,
  },
];

export const ACCESS_TABLE: Record<RoleKey, RoleAccess> = {
  startQuery: {
    allowed: [
      {
        action: "athena:StartQueryExecution",
        resource: (s) => athena(s, s.workgroup),
        why: "starts the source SQL in the stack's workgroup",
      },
      {
        action: "athena:GetWorkGroup",
        resource: (s) => athena(s, s.workgroup),
        why: "Athena reads the workgroup's enforced configuration for the caller",
      },
      {
        action: "glue:GetTable",
        resource: (s) => glue(s, `table/${s.database}/${s.table}`),
        why: "Athena resolves the source table with the caller's Glue permissions",
      },
      {
        action: "glue:GetDatabase",
        resource: (s) => glue(s, `database/${s.database}`),
        why: "Athena resolves the database",
      },
      {
        action: "glue:GetPartitions",
        resource: (s) => glue(s, `table/${s.database}/${s.table}`),
        why: "Athena lists the table's partitions",
      },
      {
        action: "s3:GetObject",
        resource: (s) => s3(s.artifactBucket, "sql/training-data.sql"),
        why: "the handler reads the SQL (InputFilePath)",
      },
      {
        action: "s3:GetObject",
        resource: (s) => s3(s.rawHitsBucket, `${s.rawHitsPrefix}part-0001.csv`),
        why: "Athena reads the raw hits as the caller",
      },
      {
        action: "s3:ListBucket",
        resource: (s) => s3(s.rawHitsBucket),
        context: (s) => ({ "s3:prefix": s.rawHitsPrefix }),
        why: "Athena lists the table's location",
      },
      {
        action: "s3:GetBucketLocation",
        resource: (s) => s3(s.rawHitsBucket),
        why: "Athena locates the source bucket (the request has no s3:prefix)",
      },
      {
        action: "s3:GetBucketLocation",
        resource: (s) => s3(s.dataBucket),
        why: 'Athena verifies the output bucket ("Unable to verify/create output bucket")',
      },
      {
        action: "s3:PutObject",
        resource: (s) => s3(s.dataBucket, "query-results/q-1.csv"),
        why: "Athena writes the result as the caller",
      },
      {
        action: "s3:GetObject",
        resource: (s) => s3(s.dataBucket, "query-results/q-1.csv.metadata"),
        why: "Athena reads back result metadata",
      },
      {
        action: "s3:AbortMultipartUpload",
        resource: (s) => s3(s.dataBucket, "query-results/q-1.csv"),
        why: "Athena aborts a failed multipart result upload",
      },
      {
        action: "s3:ListMultipartUploadParts",
        resource: (s) => s3(s.dataBucket, "query-results/q-1.csv"),
        why: "Athena completes multipart result uploads",
      },
      {
        action: "s3:ListBucket",
        resource: (s) => s3(s.dataBucket),
        context: listing("query-results/"),
        why: "Athena lists the result location",
      },
      usesStackKey("kms:GenerateDataKey", "results are written with SSE-KMS under the stack's key"),
      usesStackKey("kms:Decrypt", "SSE-KMS objects (the SQL, multipart parts) are read back"),
      usesStackKey("kms:DescribeKey", "Athena checks the result key"),
      writesOwnLogs("start-query"),
    ],
    denied: [
      {
        action: "athena:StartQueryExecution",
        resource: (s) => athena(s, "primary"),
        why: "queries run only in the stack's workgroup (its scan limit and result location)",
      },
      {
        action: "glue:GetTable",
        resource: (s) => glue(s, `table/${s.database}/other_table`),
        why: "no other table of the database",
      },
      {
        action: "s3:GetObject",
        resource: (s) => s3(s.rawHitsBucket, "elsewhere/x.csv"),
        why: "no other prefix of the raw-hits bucket",
      },
      {
        action: "s3:ListBucket",
        resource: (s) => s3(s.rawHitsBucket),
        context: listing("elsewhere/"),
        why: "no listing outside the raw hits",
      },
      {
        action: "s3:PutObject",
        resource: (s) => s3(s.dataBucket, `datasets/${RUN}/daily-visits.csv`),
        why: "snapshots are snapshot-dataset's",
      },
      {
        action: "s3:DeleteObject",
        resource: (s) => s3(s.dataBucket, "query-results/q-1.csv"),
        why: "never deletes",
      },
      {
        action: "s3:GetBucketLocation",
        resource: (s) => s3(s.artifactBucket),
        why: "only the buckets Athena touches",
      },
      { action: "kms:Decrypt", resource: otherKey, why: "no other key" },
    ],
  },
  getQueryStatus: {
    allowed: [
      {
        action: "athena:GetQueryExecution",
        resource: (s) => athena(s, s.workgroup),
        why: "polls the query's state",
      },
      writesOwnLogs("get-query-status"),
    ],
    denied: [
      {
        action: "athena:StartQueryExecution",
        resource: (s) => athena(s, s.workgroup),
        why: "only reads states",
      },
      {
        action: "athena:GetQueryResults",
        resource: (s) => athena(s, s.workgroup),
        why: "never reads the data",
      },
      {
        action: "s3:GetObject",
        resource: (s) => s3(s.dataBucket, "query-results/q-1.csv"),
        why: "never reads the data",
      },
      {
        action: "logs:PutLogEvents",
        resource: (s) => lambdaLogs(s, "start-query"),
        why: "only its own log group",
      },
    ],
  },
  snapshotDataset: {
    allowed: [
      {
        action: "s3:GetObject",
        resource: (s) => s3(s.dataBucket, "query-results/q-1.csv"),
        why: "reads the query result (CopyObject's source)",
      },
      {
        action: "s3:PutObject",
        resource: (s) => s3(s.dataBucket, `datasets/${RUN}/daily-visits.csv`),
        why: "writes the snapshot (CopyObject's destination)",
      },
      {
        action: "s3:GetObject",
        resource: (s) => s3(s.dataBucket, `datasets/${RUN}/daily-visits.csv`),
        why: "HeadObject: never overwrites a snapshot",
      },
      {
        action: "s3:ListBucket",
        resource: (s) => s3(s.dataBucket),
        context: listing(`datasets/${RUN}/daily-visits.csv`),
        why: "an absent snapshot is a 404, not a 403",
      },
      usesStackKey("kms:Decrypt", "reads the SSE-KMS result"),
      usesStackKey("kms:GenerateDataKey", "writes the snapshot under the stack's key"),
      writesOwnLogs("snapshot-dataset"),
    ],
    denied: [
      {
        action: "s3:DeleteObject",
        resource: (s) => s3(s.dataBucket, "query-results/q-1.csv"),
        why: "copies, never moves or deletes",
      },
      {
        action: "s3:PutObject",
        resource: (s) => s3(s.artifactBucket, `runs/${RUN}/x`),
        why: "no run artifacts",
      },
      {
        action: "s3:PutObject",
        resource: (s) => s3(s.dataBucket, "query-results/forged.csv"),
        why: "never writes query results",
      },
      {
        action: "s3:ListBucket",
        resource: (s) => s3(s.dataBucket),
        context: listing(""),
        why: "no listing of the whole bucket",
      },
    ],
  },
  qualityGate: {
    allowed: [
      {
        action: "s3:GetObject",
        resource: (s) => s3(s.artifactBucket, `runs/${RUN}/evaluation/evaluation.json`),
        why: "reads the candidate's and the served model's evaluations",
      },
      {
        action: "s3:ListBucket",
        resource: (s) => s3(s.artifactBucket),
        context: listing(`runs/${RUN}/evaluation/evaluation.json`),
        why: "a missing evaluation is a 404",
      },
      ...followsEndpointToModel("reads the served model's MODEL_VERSION"),
      usesStackKey("kms:Decrypt", "evaluations are SSE-KMS objects"),
      writesOwnLogs("quality-gate"),
    ],
    denied: [
      {
        action: "s3:PutObject",
        resource: (s) => s3(s.artifactBucket, `runs/${RUN}/evaluation/evaluation.json`),
        why: "never rewrites an evaluation",
      },
      {
        action: "s3:GetObject",
        resource: (s) => s3(s.dataBucket, `datasets/${RUN}/daily-visits.csv`),
        why: "never reads the data",
      },
      {
        action: "sagemaker:DescribeEndpoint",
        resource: (s) => sagemaker(s, "endpoint/someone-elses"),
        why: "only the stack's endpoint",
      },
      {
        action: "sagemaker:UpdateEndpoint",
        resource: (s) => sagemaker(s, `endpoint/${s.endpointName}`),
        why: "decides, never deploys",
      },
    ],
  },
  endpointStatus: {
    allowed: [
      {
        action: "sagemaker:DescribeEndpoint",
        resource: (s) => sagemaker(s, `endpoint/${s.endpointName}`),
        why: "reads the endpoint's status",
      },
      writesOwnLogs("endpoint-status"),
    ],
    denied: [
      {
        action: "sagemaker:DescribeEndpoint",
        resource: (s) => sagemaker(s, "endpoint/someone-elses"),
        why: "only the stack's endpoint",
      },
      {
        action: "sagemaker:DeleteEndpoint",
        resource: (s) => sagemaker(s, `endpoint/${s.endpointName}`),
        why: "never deletes",
      },
      {
        action: "sagemaker:InvokeEndpoint",
        resource: (s) => sagemaker(s, `endpoint/${s.endpointName}`),
        why: "never calls the model",
      },
    ],
  },
  championModel: {
    allowed: [
      ...followsEndpointToModel("reads the served model's ModelDataUrl for EvaluateWithChampion"),
      writesOwnLogs("champion-model"),
    ],
    denied: [
      {
        action: "sagemaker:DescribeEndpoint",
        resource: (s) => sagemaker(s, "endpoint/someone-elses"),
        why: "only the stack's endpoint",
      },
      {
        action: "s3:GetObject",
        resource: (s) => s3(s.artifactBucket, `runs/${RUN}/model/model.tar.gz`),
        why: "names the champion's artifact; the Evaluate job reads it with the SageMaker role",
      },
      {
        action: "sagemaker:UpdateEndpoint",
        resource: (s) => sagemaker(s, `endpoint/${s.endpointName}`),
        why: "finds, never deploys",
      },
      {
        action: "sagemaker:DescribeModel",
        resource: (s) => sagemaker(s, "model/run-1-model", OTHER_ACCOUNT),
        why: "only this account's models",
      },
    ],
  },
  sageMakerExecution: {
    allowed: [
      {
        action: "ecr:GetAuthorizationToken",
        resource: () => "*",
        why: "pulls the image (account-wide token)",
      },
      { action: "ecr:BatchGetImage", resource: (s) => s.repositoryArn, why: "pulls the image manifest" },
      { action: "ecr:GetDownloadUrlForLayer", resource: (s) => s.repositoryArn, why: "pulls the layers" },
      {
        action: "ecr:BatchCheckLayerAvailability",
        resource: (s) => s.repositoryArn,
        why: "pulls the layers",
      },
      {
        action: "s3:GetObject",
        resource: (s) => s3(s.dataBucket, `datasets/${RUN}/daily-visits.csv`),
        why: "Preprocess's input (S3Prefix)",
      },
      {
        action: "s3:ListBucket",
        resource: (s) => s3(s.dataBucket),
        context: listing(`datasets/${RUN}/`),
        why: "an S3Prefix input is listed",
      },
      {
        action: "s3:PutObject",
        resource: (s) => s3(s.artifactBucket, `runs/${RUN}/preprocess/examples.bin`),
        why: "job outputs and model.tar.gz go under runs/",
      },
      {
        action: "s3:GetObject",
        resource: (s) => s3(s.artifactBucket, `runs/${RUN}/train/output/model.tar.gz`),
        why: "Evaluate and the model read artifacts",
      },
      {
        action: "s3:AbortMultipartUpload",
        resource: (s) => s3(s.artifactBucket, `runs/${RUN}/train/output/model.tar.gz`),
        why: "large uploads are multipart",
      },
      {
        action: "s3:ListBucket",
        resource: (s) => s3(s.artifactBucket),
        context: listing(`runs/${RUN}/preprocess/`),
        why: "Evaluate's S3Prefix inputs are listed",
      },
      {
        action: "s3:PutObject",
        resource: (s) =>
          s3(s.artifactBucket, `data-capture/${s.endpointName}/AllTraffic/2026/11/28/03/x.jsonl`),
        why: "the endpoint captures requests",
        only: "dataCapture",
      },
      {
        action: "logs:CreateLogGroup",
        resource: (s) => `arn:aws:logs:${s.region}:${s.account}:log-group:/aws/sagemaker/TrainingJobs`,
        why: "SageMaker creates the job-type log group on first use",
      },
      {
        action: "logs:CreateLogStream",
        resource: (s) =>
          `arn:aws:logs:${s.region}:${s.account}:log-group:/aws/sagemaker/ProcessingJobs:log-stream:${RUN}-preprocess/algo-1`,
        why: "one stream per job instance",
      },
      {
        action: "logs:PutLogEvents",
        resource: (s) =>
          `arn:aws:logs:${s.region}:${s.account}:log-group:/aws/sagemaker/Endpoints/${s.endpointName}:log-stream:AllTraffic/i-0`,
        why: "job and endpoint container logs",
      },
      {
        action: "logs:DescribeLogStreams",
        resource: (s) => `arn:aws:logs:${s.region}:${s.account}:log-group:/aws/sagemaker/TrainingJobs`,
        why: "the log agent finds its stream",
      },
      {
        action: "cloudwatch:PutMetricData",
        resource: () => "*",
        context: () => ({ "cloudwatch:namespace": "/aws/sagemaker/TrainingJobs" }),
        why: "training metrics (MetricDefinitions)",
      },
      usesStackKey(
        "kms:GenerateDataKey",
        "outputs (OutputConfig.KmsKeyId) and data capture are written under the key",
      ),
      usesStackKey("kms:Decrypt", "reads SSE-KMS inputs and artifacts"),
      usesStackKey("kms:DescribeKey", "SageMaker checks the volume key"),
      grantsForAwsResources("SageMaker attaches encrypted volumes through a grant"),
    ],
    denied: [
      {
        action: "s3:GetObject",
        resource: (s) => s3(s.dataBucket, "query-results/q-1.csv"),
        why: "jobs read snapshots, never raw results",
      },
      {
        action: "s3:PutObject",
        resource: (s) => s3(s.dataBucket, `datasets/${RUN}/daily-visits.csv`),
        why: "snapshots are immutable for the jobs",
      },
      {
        action: "s3:PutObject",
        resource: (s) => s3(s.artifactBucket, "sql/training-data.sql"),
        why: "never rewrites the SQL",
      },
      {
        action: "s3:DeleteObject",
        resource: (s) => s3(s.artifactBucket, `runs/${RUN}/train/output/model.tar.gz`),
        why: "never deletes artifacts",
      },
      { action: "s3:GetObject", resource: () => s3("some-other-bucket", "x"), why: "no other bucket" },
      {
        action: "ecr:BatchGetImage",
        resource: (s) => `arn:aws:ecr:${s.region}:${s.account}:repository/other`,
        why: "only the stack's repository",
      },
      {
        action: "logs:PutLogEvents",
        resource: (s) =>
          `arn:aws:logs:${s.region}:${s.account}:log-group:/aws/lambda/${s.prefix}-start-query:log-stream:x`,
        why: "only SageMaker's log groups",
      },
      {
        action: "cloudwatch:PutMetricData",
        resource: () => "*",
        context: () => ({ "cloudwatch:namespace": "Billing" }),
        why: "only SageMaker's namespaces",
      },
      {
        action: "kms:CreateGrant",
        resource: key,
        context: () => ({ "kms:GrantIsForAWSResource": "false" }),
        why: "grants only for AWS resources",
        only: "stackKey",
      },
      { action: "kms:Decrypt", resource: otherKey, why: "no other key" },
      {
        action: "sagemaker:CreateTrainingJob",
        resource: (s) => sagemaker(s, "training-job/x"),
        why: "the role runs jobs; it never starts them",
      },
    ],
  },
  stateMachine: {
    allowed: [
      { action: "lambda:InvokeFunction", resource: (s) => fn(s, "start-query"), why: "StartQuery" },
      { action: "lambda:InvokeFunction", resource: (s) => fn(s, "get-query-status"), why: "GetQueryStatus" },
      { action: "lambda:InvokeFunction", resource: (s) => fn(s, "snapshot-dataset"), why: "SnapshotDataset" },
      { action: "lambda:InvokeFunction", resource: (s) => fn(s, "champion-model"), why: "FindChampion" },
      { action: "lambda:InvokeFunction", resource: (s) => fn(s, "quality-gate"), why: "QualityGate" },
      {
        action: "lambda:InvokeFunction",
        resource: (s) => `${fn(s, "endpoint-status")}:$LATEST`,
        why: "CheckEndpoint and EndpointStatus (qualified ARNs too)",
      },
      {
        action: "sagemaker:CreateProcessingJob",
        resource: (s) => sagemaker(s, `processing-job/${RUN}-preprocess`),
        context: createdFor(),
        why: "Preprocess and Evaluate, tagged with the stack",
      },
      {
        action: "sagemaker:AddTags",
        resource: (s) => sagemaker(s, `processing-job/${RUN}-preprocess`),
        context: createdFor(),
        why: "the tags of the create request",
      },
      {
        action: "sagemaker:DescribeProcessingJob",
        resource: (s) => sagemaker(s, `processing-job/${RUN}-preprocess`),
        context: ownedBy(),
        why: ".sync follows the job",
      },
      {
        action: "sagemaker:StopProcessingJob",
        resource: (s) => sagemaker(s, `processing-job/${RUN}-evaluate`),
        context: ownedBy(),
        why: ".sync stops the job when the execution stops",
      },
      {
        action: "sagemaker:ListTags",
        resource: (s) => sagemaker(s, `processing-job/${RUN}-preprocess`),
        context: ownedBy(),
        why: ".sync reads the job's tags",
      },
      {
        action: "sagemaker:CreateTrainingJob",
        resource: (s) => sagemaker(s, `training-job/${RUN}-train`),
        context: createdFor(),
        why: "Train, tagged with the stack",
      },
      {
        action: "sagemaker:DescribeTrainingJob",
        resource: (s) => sagemaker(s, `training-job/${RUN}-train`),
        context: ownedBy(),
        why: ".sync follows the job",
      },
      {
        action: "sagemaker:StopTrainingJob",
        resource: (s) => sagemaker(s, `training-job/${RUN}-train`),
        context: ownedBy(),
        why: ".sync stops the job",
      },
      {
        action: "sagemaker:ListTags",
        resource: (s) => sagemaker(s, `training-job/${RUN}-train`),
        context: ownedBy(),
        why: ".sync reads the job's tags",
      },
      {
        action: "events:PutRule",
        resource: (s) =>
          `arn:aws:events:${s.region}:${s.account}:rule/StepFunctionsGetEventsForSageMakerTrainingJobsRule`,
        why: ".sync's managed rule for training jobs",
      },
      {
        action: "events:PutTargets",
        resource: (s) =>
          `arn:aws:events:${s.region}:${s.account}:rule/StepFunctionsGetEventsForSageMakerTrainingJobsRule`,
        why: ".sync's managed rule",
      },
      {
        action: "events:DescribeRule",
        resource: (s) =>
          `arn:aws:events:${s.region}:${s.account}:rule/StepFunctionsGetEventsForSageMakerProcessingJobsRule`,
        why: ".sync's managed rule for processing jobs",
      },
      {
        action: "iam:PassRole",
        resource: (s) => s.sageMakerRoleArn,
        context: passedTo("sagemaker.amazonaws.com"),
        why: "jobs and models run as the SageMaker role",
      },
      {
        action: "sagemaker:CreateModel",
        resource: (s) => sagemaker(s, `model/${RUN}-model`),
        context: createdFor(),
        why: "CreateModel, tagged with the stack",
      },
      {
        action: "sagemaker:ListTags",
        resource: (s) => sagemaker(s, `model/${RUN}-model`),
        context: ownedBy(),
        why: "tagged CreateModel",
      },
      {
        action: "sagemaker:CreateEndpointConfig",
        resource: (s) => sagemaker(s, `endpoint-config/${RUN}-config`),
        context: createdFor(),
        why: "CreateEndpointConfig, tagged with the stack",
      },
      {
        action: "sagemaker:ListTags",
        resource: (s) => sagemaker(s, `endpoint-config/${RUN}-config`),
        context: ownedBy(),
        why: "tagged CreateEndpointConfig",
      },
      {
        action: "sagemaker:AddTags",
        resource: (s) => sagemaker(s, `endpoint-config/${RUN}-config`),
        context: createdFor(),
        why: "tags on create",
      },
      {
        action: "sagemaker:UpdateEndpoint",
        resource: (s) => sagemaker(s, `endpoint-config/${RUN}-config`),
        context: ownedBy(),
        why: "the endpoint takes the run's configuration, the stack's own",
      },
      {
        action: "sagemaker:CreateEndpoint",
        resource: (s) => sagemaker(s, `endpoint/${s.endpointName}`),
        why: "CreateEndpoint",
      },
      {
        action: "sagemaker:UpdateEndpoint",
        resource: (s) => sagemaker(s, `endpoint/${s.endpointName}`),
        why: "UpdateEndpoint",
      },
      {
        action: "sagemaker:ListTags",
        resource: (s) => sagemaker(s, `endpoint/${s.endpointName}`),
        why: "tagged CreateEndpoint",
      },
      {
        action: "sagemaker:CreateModelPackage",
        resource: (s) => sagemaker(s, `model-package/${s.modelPackageGroup}/3`),
        why: "Register*Model: every evaluated model, a version of the stack's group",
      },
      {
        action: "sagemaker:AddTags",
        resource: (s) => sagemaker(s, `model-package/${s.modelPackageGroup}/3`),
        why: "the package is tagged as the stack",
      },
      { action: "sns:Publish", resource: (s) => s.topicArn, why: "NotifyRejection" },
      {
        action: "kms:GenerateDataKey",
        resource: (s) => `arn:aws:kms:${s.region}:${s.account}:key/0000-notification-topic-key`,
        context: (s) => ({ "kms:ViaService": `sns.${s.region}.amazonaws.com` }),
        why: "SNS encrypts the notice with the topic's key on the publisher's behalf",
      },
      { action: "logs:CreateLogDelivery", resource: () => "*", why: "execution logs (vended delivery)" },
      { action: "logs:PutResourcePolicy", resource: () => "*", why: "execution logs" },
      { action: "xray:PutTraceSegments", resource: () => "*", why: "tracing" },
      grantsForAwsResources("jobs and endpoint configs that name the key need a grant from the caller"),
      usesStackKey("kms:DescribeKey", "SageMaker checks the key named in the request"),
    ],
    denied: [
      {
        action: "sagemaker:CreateEndpoint",
        resource: (s) => sagemaker(s, "endpoint/someone-elses"),
        why: "only the stack's endpoint (CheckExecutionInput refuses others)",
      },
      {
        action: "sagemaker:UpdateEndpoint",
        resource: (s) => sagemaker(s, "endpoint/someone-elses"),
        why: "only the stack's endpoint",
      },
      {
        action: "sagemaker:DeleteEndpoint",
        resource: (s) => sagemaker(s, `endpoint/${s.endpointName}`),
        why: "never deletes the endpoint",
      },
      {
        action: "sagemaker:CreateTrainingJob",
        resource: (s) => sagemaker(s, `training-job/${RUN}-train`),
        context: createdFor(OTHER_STACK),
        why: "creates jobs only tagged with its own stack",
      },
      {
        action: "sagemaker:CreateModel",
        resource: (s) => sagemaker(s, `model/${RUN}-model`),
        why: "never an untagged model",
      },
      {
        action: "sagemaker:StopTrainingJob",
        resource: (s) => sagemaker(s, "training-job/other-run-train"),
        context: ownedBy(OTHER_STACK),
        why: "never stops another stack's job",
      },
      {
        action: "sagemaker:DescribeProcessingJob",
        resource: (s) => sagemaker(s, "processing-job/other-run-preprocess"),
        context: ownedBy(OTHER_STACK),
        why: "follows only its own jobs",
      },
      {
        action: "sagemaker:AddTags",
        resource: (s) => sagemaker(s, "training-job/other-run-train"),
        context: (s) => ({ ...createdFor()(s), ...ownedBy(OTHER_STACK)(s) }),
        why: "never claims another stack's job by tagging it",
      },
      {
        action: "sagemaker:UpdateEndpoint",
        resource: (s) => sagemaker(s, "endpoint-config/other-run-config"),
        context: ownedBy(OTHER_STACK),
        why: "deploys only the stack's own configurations",
      },
      {
        action: "sagemaker:DeleteModel",
        resource: (s) => sagemaker(s, `model/${RUN}-model`),
        why: "never deletes models",
      },
      {
        action: "sagemaker:CreateModelPackage",
        resource: (s) => sagemaker(s, "model-package/someone-elses/1"),
        why: "registers only in the stack's own group",
      },
      {
        action: "sagemaker:UpdateModelPackage",
        resource: (s) => sagemaker(s, `model-package/${s.modelPackageGroup}/3`),
        why: "the gate's verdict is set at registration; approving later is a person's (npm run execution -- promote)",
      },
      {
        action: "sagemaker:DeleteModelPackage",
        resource: (s) => sagemaker(s, `model-package/${s.modelPackageGroup}/3`),
        why: "never deletes a registered model",
      },
      {
        action: "sns:Publish",
        resource: (s) => `arn:aws:sns:${s.region}:${s.account}:someone-elses-topic`,
        why: "publishes only to the stack's topic",
      },
      {
        action: "kms:Decrypt",
        resource: (s) => `arn:aws:kms:${s.region}:${s.account}:key/0000-notification-topic-key`,
        why: "uses a key only through SNS",
      },
      {
        action: "sagemaker:CreateTrainingJob",
        resource: (s) => sagemaker(s, "training-job/x", OTHER_ACCOUNT),
        why: "no other account's jobs",
      },
      {
        action: "sagemaker:StopProcessingJob",
        resource: (s) => sagemaker(s, "processing-job/x", OTHER_ACCOUNT),
        why: "no other account's jobs",
      },
      {
        action: "iam:PassRole",
        resource: (s) => s.sageMakerRoleArn,
        context: passedTo("lambda.amazonaws.com"),
        why: "the role goes to SageMaker only",
      },
      {
        action: "iam:PassRole",
        resource: (s) => `arn:aws:iam::${s.account}:role/admin`,
        context: passedTo("sagemaker.amazonaws.com"),
        why: "no other role",
      },
      {
        action: "lambda:InvokeFunction",
        resource: (s) => `arn:aws:lambda:${s.region}:${s.account}:function:other`,
        why: "only the stack's functions",
      },
      {
        action: "events:PutRule",
        resource: (s) => `arn:aws:events:${s.region}:${s.account}:rule/other`,
        why: "only the managed rules",
      },
      {
        action: "s3:GetObject",
        resource: (s) => s3(s.dataBucket, "query-results/q-1.csv"),
        why: "the state machine moves no data itself",
      },
      { action: "kms:Decrypt", resource: otherKey, why: "no other key" },
    ],
  },
  scheduler: {
    allowed: [
      {
        action: "states:StartExecution",
        resource: (s) => s.stateMachineArn,
        why: "starts the pipeline on schedule",
      },
    ],
    denied: [
      {
        action: "states:StartExecution",
        resource: (s) => s.stateMachineArn.replace(/stateMachine:.*$/, "stateMachine:other"),
        why: "no other state machine",
      },
      {
        action: "states:StopExecution",
        resource: (s) => `${s.stateMachineArn.replace(":stateMachine:", ":execution:")}:${RUN}`,
        why: "never stops runs",
      },
    ],
  },
};

/** Whether a row applies to a stack (rows of a customer-managed key or data capture only where they exist). */
export function applies(call: Call, s: StackFacts): boolean {
  if (call.only === "stackKey") return s.keyArn !== undefined;
  if (call.only === "dataCapture") return s.dataCapture;
  return true;
}
