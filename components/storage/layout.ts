// Where things live in the two buckets, and the pure documents of the storage resources. The Lambda
// handlers, the SageMaker jobs and the IAM statements all derive their paths from these constants.
import { bucketArn } from "../shared/iam";
import type { AwsEnvironment } from "../asl/iam";

/** Key prefixes of the data bucket. */
export const DATA_PREFIXES = {
  /** Athena's raw results, `<QueryExecutionId>.csv`: they expire (config `query.resultExpirationDays`). */
  queryResults: "query-results/",
  /** Versioned dataset snapshots, `<execution>/daily-visits.csv`: kept. */
  datasets: "datasets/",
} as const;

/** Key prefixes of the artifact bucket (versioned). */
export const ARTIFACT_PREFIXES = {
  /** SageMaker job outputs, `runs/<execution>/<stage>` (see sagemaker-stages/definition.ts). */
  runs: "runs/",
  /** The source SQL. */
  sql: "sql/",
  /** Endpoint data capture, `data-capture/<endpoint>` (see config.ts). */
  dataCapture: "data-capture/",
} as const;

export const SQL_KEY = `${ARTIFACT_PREFIXES.sql}training-data.sql`;

export function s3Uri(bucket: string, key = ""): string {
  return `s3://${bucket}/${key}`;
}

/** `s3://bucket/some/prefix/` → bucket and key prefix (ending with `/`, or empty). */
export function parseS3Location(uri: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri);
  if (!match?.[1]) throw new Error(`${JSON.stringify(uri)} is not an s3://bucket/prefix location.`);
  const key = match[2] ?? "";
  return { bucket: match[1], prefix: key === "" || key.endsWith("/") ? key : `${key}/` };
}

/** Denies every request to the bucket that does not use TLS. */
export function tlsOnlyBucketPolicy(aws: AwsEnvironment, bucket: string) {
  const arn = bucketArn(aws, bucket);
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}

/** Default encryption: the stack's key when it has one (with S3 Bucket Keys), else SSE-S3. */
export function bucketEncryptionRule(kmsKeyArn: string | undefined) {
  return kmsKeyArn
    ? {
        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: kmsKeyArn },
        bucketKeyEnabled: true,
      }
    : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } };
}

/** Athena's result encryption, matching the bucket's. */
export function athenaResultEncryption(kmsKeyArn: string | undefined) {
  return kmsKeyArn ? { encryptionOption: "SSE_KMS", kmsKeyArn } : { encryptionOption: "SSE_S3" };
}

const ABORT_INCOMPLETE_UPLOADS = { daysAfterInitiation: 7 };

export function dataLifecycleRules(resultExpirationDays: number) {
  return [
    {
      id: "expire-query-results",
      status: "Enabled",
      filter: { prefix: DATA_PREFIXES.queryResults },
      expiration: { days: resultExpirationDays },
    },
    {
      id: "abort-incomplete-uploads",
      status: "Enabled",
      filter: { prefix: "" },
      abortIncompleteMultipartUpload: ABORT_INCOMPLETE_UPLOADS,
    },
  ];
}

/** Artifacts are written once per execution; deleted or overwritten ones stay recoverable for 90 days. */
export function artifactLifecycleRules() {
  return [
    {
      id: "expire-noncurrent-versions",
      status: "Enabled",
      filter: { prefix: "" },
      noncurrentVersionExpiration: { noncurrentDays: 90 },
      abortIncompleteMultipartUpload: ABORT_INCOMPLETE_UPLOADS,
    },
  ];
}

/** The raw hits table (docs/contracts.md, "Raw hits"): CSV with a header row. */
export const RAW_HITS_COLUMNS = [
  { name: "user_id", type: "string", comment: "stable user id" },
  // A string, read by the SQL: LazySimpleSerDe's timestamp type refuses `T` and offsets, and the SQL keeps
  // the wall-clock hour a timestamp with an offset states.
  { name: "event_time", type: "string", comment: "user's wall-clock time, YYYY-MM-DD HH:MM:SS[offset]" },
  { name: "page_type", type: "int", comment: "1..4, or 0 / empty for other pages" },
  { name: "time_spent_sec", type: "double", comment: "seconds spent on the page" },
  { name: "platform", type: "string", comment: "ios, android, web or other" },
] as const;

export const MEGABYTE = 1024 * 1024;
