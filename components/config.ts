// The stack configuration (`Pulumi.<stack>.yaml`, namespace `visit-time-pipeline:`), typed and validated.
// Pure: the Pulumi program reads the values with `pulumi.runtime.allConfig()`, `npm run definition` from
// the YAML file, and both go through `parseStackConfig`. A bad or missing key fails with its name.
import { z } from "zod";
import { DEFAULT_HYPERPARAMETERS, parseHyperparameters } from "../contracts/hyperparameters";
import { TRAINING_METRIC_DEFINITIONS } from "../contracts/metrics";
import { handlerArns } from "../contracts/handlers";
import type { AwsEnvironment } from "./asl/iam";
import {
  describeIssues,
  dataCaptureProblem,
  dataQualitySchema,
  DEFAULT_DATA_QUALITY,
  endpointVariantSchema,
  gateSettingsSchema,
  InvalidSettingsError,
  jobResourcesSchema,
  type PipelineSettings,
  pollingSchema,
  sageMakerNameSchema,
  STACK_TAG_KEY,
  samplingPercentSchema,
  timeoutProblem,
  timeoutSecondsSchema,
} from "./settings";
import { ARTIFACT_PREFIXES, s3Uri } from "./storage/layout";
import { kmsAliasName } from "./shared/iam";

export const CONFIG_NAMESPACE = "visit-time-pipeline";

/** CloudWatch Logs accepts only these retention periods (days). */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const kmsKeyArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+$/, "must be a KMS key or alias ARN");
const glueName = z.string().regex(/^[a-z0-9_]{1,255}$/, "must be a Glue name (lowercase letters, digits, _)");

export const stackConfigSchema = z
  .strictObject({
    environment: z.enum(["dev", "prod"]),
    /** Customer-managed key for buckets, Athena results, job volumes and the endpoint. @default AWS-managed keys */
    kmsKeyArn: kmsKeyArn.optional(),
    source: z.strictObject({
      database: glueName,
      table: glueName,
      /** Create the Glue database and table over `rawHitsUri`; otherwise they must exist. */
      createGlueTable: z.boolean(),
      rawHitsUri: z
        .string()
        .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.*$/, "must be an s3://bucket/prefix/ URI")
        .optional(),
    }),
    query: pollingSchema.extend({
      /** Athena workgroup limit per query. */
      bytesScannedCutoffMb: z.int().min(10).max(1_000_000),
      /** Raw query results expire after this many days (the snapshots are kept). */
      resultExpirationDays: z.int().min(1).max(3650),
    }),
    /** Fail the run before training when too many raw hits break the contract. @default 5 % */
    dataQuality: dataQualitySchema.default(DEFAULT_DATA_QUALITY),
    instances: z.strictObject({
      preprocessing: jobResourcesSchema,
      training: jobResourcesSchema,
      evaluation: jobResourcesSchema,
    }),
    /** Overrides of the trainer's defaults (training/README.md lists them). */
    hyperparameters: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
    endpoint: z.strictObject({
      name: sageMakerNameSchema,
      variant: endpointVariantSchema,
      dataCapture: z.strictObject({ samplingPercent: samplingPercentSchema }).optional(),
      alarms: z
        .strictObject({
          /** Alarm when p99 model latency exceeds this (milliseconds). */
          modelLatencyP99Ms: z.int().min(1),
          /** Alarm when 5XX invocation errors in 5 minutes reach this count. */
          invocation5xxErrors: z.int().min(1),
        })
        .optional(),
      wait: pollingSchema,
    }),
    qualityGate: gateSettingsSchema,
    schedule: z.strictObject({
      /** EventBridge Scheduler expression: `rate(...)` or `cron(...)`. */
      expression: z
        .string()
        .regex(/^(rate|cron)\(.+\)$/, "must be an EventBridge Scheduler rate(...) or cron(...) expression"),
      timezone: z.string().min(1).default("UTC"),
      enabled: z.boolean(),
    }),
    logging: z.strictObject({
      level: z.enum(["ALL", "ERROR", "FATAL", "OFF"]),
      includeExecutionData: z.boolean(),
      retentionDays: z.int().refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
        message: `must be one of CloudWatch's retention periods: ${LOG_RETENTION_DAYS.join(", ")}`,
      }),
    }),
    notifications: z.strictObject({ email: z.email().optional() }).default({}),
    timeoutSeconds: timeoutSecondsSchema,
    tags: z.record(z.string(), z.string()).default({}),
  })
  .superRefine((config, ctx) => {
    if (config.source.createGlueTable && !config.source.rawHitsUri) {
      ctx.addIssue({
        code: "custom",
        path: ["source", "rawHitsUri"],
        message: "is required when source.createGlueTable is true (the table's S3 location)",
      });
    }
    const { preprocessing, training, evaluation } = config.instances;
    const timeout = timeoutProblem(config.timeoutSeconds, [preprocessing, training, evaluation]);
    if (timeout) ctx.addIssue({ code: "custom", path: ["timeoutSeconds"], message: timeout });
    const capture = dataCaptureProblem(config.endpoint.variant, config.endpoint.dataCapture);
    if (capture) ctx.addIssue({ code: "custom", path: ["endpoint", "dataCapture"], message: capture });
  });

export type StackConfig = z.infer<typeof stackConfigSchema>;

/**
 * Validates the namespace's values, given as a map from the short key (`endpoint`) to its value (an
 * object for structured keys). Unknown keys are errors: a typo must not silently fall back to a default.
 */
export function parseStackConfig(values: Record<string, unknown>, stack = "the stack"): StackConfig {
  const result = stackConfigSchema.safeParse(values);
  if (!result.success) {
    throw new InvalidSettingsError(
      describeIssues(result.error.issues, CONFIG_NAMESPACE),
      `configuration of ${stack}`,
    );
  }
  try {
    parseHyperparameters(mergedHyperparameters(result.data));
  } catch (error) {
    throw new InvalidSettingsError(
      [`[${CONFIG_NAMESPACE}.hyperparameters] ${(error as Error).message}`],
      `configuration of ${stack}`,
    );
  }
  return result.data;
}

/**
 * The namespace's values from Pulumi's flat config map (`visit-time-pipeline:endpoint` → JSON text for
 * structured values, plain text for strings).
 */
export function namespaceValues(allConfig: Record<string, string>): Record<string, unknown> {
  const prefix = `${CONFIG_NAMESPACE}:`;
  return Object.fromEntries(
    Object.entries(allConfig)
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, text]) => [key.slice(prefix.length), parseConfigText(text)]),
  );
}

function parseConfigText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export function mergedHyperparameters(config: StackConfig): Record<string, string> {
  const overrides = Object.fromEntries(
    Object.entries(config.hyperparameters).map(([key, value]) => [key, String(value)]),
  );
  return { ...DEFAULT_HYPERPARAMETERS, ...overrides };
}

/** Tags on every resource of the stack and on every SageMaker job, model and endpoint it runs. */
export function stackTags(config: StackConfig): Record<string, string> {
  return { project: CONFIG_NAMESPACE, environment: config.environment, ...config.tags };
}

/** What only exists once deployed: the references the definition points at. */
export interface DeployedReferences {
  aws: AwsEnvironment;
  lambdas: PipelineSettings["lambdas"];
  dataBucket: string;
  artifactBucket: string;
  sqlUri: string;
  sageMakerRoleArn: string;
  imageUri: string;
  /** The stack's notification topic. */
  notificationTopicArn: string;
  /**
   * The configured key as a key ARN (an alias is resolved at deploy time): SageMaker takes key ids or
   * key ARNs for volumes, and IAM matches key ARNs only. Absent when the stack uses AWS-managed keys.
   */
  kmsKeyArn?: string;
  /** `visit-time-<stack>`, the prefix of the stack's resources: the value of its SageMaker resources' STACK_TAG_KEY. */
  stackName: string;
}

/** The key ARN the definition passes to SageMaker: the configured one, or the key its alias names. */
function resolvedKmsKeyArn(configured: string, resolved: string | undefined): string {
  if (resolved) return resolved;
  if (!kmsAliasName(configured)) return configured;
  throw new Error(
    `[visit-time-pipeline.kmsKeyArn] ${configured} is an alias: resolve it to its key ARN before ` +
      "building the definition (SageMaker takes key ARNs).",
  );
}

/** The settings of a validated stack configuration with its references: a typed mapping, no validation. */
export function pipelineSettingsFromConfig(config: StackConfig, refs: DeployedReferences): PipelineSettings {
  return {
    aws: refs.aws,
    timeoutSeconds: config.timeoutSeconds,
    lambdas: refs.lambdas,
    storage: {
      dataBucket: refs.dataBucket,
      artifactBucket: refs.artifactBucket,
      sqlUri: refs.sqlUri,
      ...(config.kmsKeyArn ? { kmsKeyArn: resolvedKmsKeyArn(config.kmsKeyArn, refs.kmsKeyArn) } : {}),
    },
    query: { pollIntervalSeconds: config.query.pollIntervalSeconds, maxPolls: config.query.maxPolls },
    dataQuality: config.dataQuality,
    sagemaker: {
      roleArn: refs.sageMakerRoleArn,
      imageUri: refs.imageUri,
      preprocessing: config.instances.preprocessing,
      training: config.instances.training,
      evaluation: config.instances.evaluation,
      hyperparameters: mergedHyperparameters(config),
      metricDefinitions: TRAINING_METRIC_DEFINITIONS,
    },
    gate: config.qualityGate,
    endpoint: endpointSettings(config.endpoint, refs.artifactBucket),
    notifications: { topicArn: refs.notificationTopicArn },
    tags: { ...stackTags(config), [STACK_TAG_KEY]: refs.stackName },
  };
}

/** The endpoint's settings; data capture goes to `data-capture/<endpoint>` in the artifact bucket. */
export function endpointSettings(
  endpoint: Pick<StackConfig["endpoint"], "name" | "variant" | "dataCapture" | "wait">,
  artifactBucket: string,
): PipelineSettings["endpoint"] {
  return {
    name: endpoint.name,
    variant: endpoint.variant,
    ...(endpoint.dataCapture
      ? {
          dataCapture: {
            samplingPercent: endpoint.dataCapture.samplingPercent,
            destinationS3Uri: s3Uri(artifactBucket, `${ARTIFACT_PREFIXES.dataCapture}${endpoint.name}`),
          },
        }
      : {}),
    wait: endpoint.wait,
  };
}

/** Stand-ins for ARNs that exist only after `pulumi up`, so the definition can be printed before. */
export function placeholderReferences(
  stack: string,
  region = "eu-west-1",
  kmsKeyArn?: string,
): DeployedReferences {
  const account = "111111111111";
  // An alias stands for a key that only the deployment looks up: a placeholder key in its account.
  const alias = kmsKeyArn ? kmsAliasName(kmsKeyArn) : undefined;
  const key = alias
    ? kmsKeyArn?.replace(/:alias\/.+$/, ":key/00000000-0000-0000-0000-000000000000")
    : kmsKeyArn;
  return {
    ...(key ? { kmsKeyArn: key } : {}),
    aws: { partition: "aws", region, accountId: account },
    lambdas: handlerArns(
      (name) => `arn:aws:lambda:${region}:${account}:function:visit-time-${stack}-${name}`,
    ),
    dataBucket: `visit-time-${stack}-data`,
    artifactBucket: `visit-time-${stack}-artifacts`,
    sqlUri: `s3://visit-time-${stack}-artifacts/sql/training-data.sql`,
    sageMakerRoleArn: `arn:aws:iam::${account}:role/visit-time-${stack}-sagemaker`,
    imageUri: `${account}.dkr.ecr.${region}.amazonaws.com/visit-time-${stack}-training:latest`,
    stackName: `visit-time-${stack}`,
    notificationTopicArn: `arn:aws:sns:${region}:${account}:visit-time-${stack}-notifications`,
  };
}
