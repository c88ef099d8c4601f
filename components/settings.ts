// The plain references and settings the definition is built from. Pure (no Pulumi): the Pulumi
// components fill it with resolved ARNs, the local runner with local references. Validated with zod so
// that a bad value fails with the key that holds it.
import { z } from "zod";
import { byHandler } from "../contracts/handlers";
import { SAGEMAKER_NAME, SAGEMAKER_NAME_RULE } from "../contracts/sagemaker-names";

const instanceType = z
  .string()
  .regex(/^ml\.[a-z0-9]+\.[a-z0-9]+$/, "must be a SageMaker instance type such as ml.m5.large");
const positiveInt = (max: number) => z.int().min(1).max(max);
const arnString = (service: string) =>
  z.string().regex(new RegExp(`^arn:aws[a-z-]*:${service}:`), `must be an ARN of ${service}`);
const bucketName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
    "must be an S3 bucket name (3-63 lowercase letters, digits, . or -)",
  );
const s3Uri = z
  .string()
  .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/, "must be an s3://bucket/key URI");
/** SageMaker resource names. */
export const sageMakerNameSchema = z.string().regex(SAGEMAKER_NAME, `must be ${SAGEMAKER_NAME_RULE}`);

export const jobResourcesSchema = z.strictObject({
  instanceType,
  instanceCount: positiveInt(100),
  volumeSizeGb: positiveInt(16384),
  /** SageMaker's limit for processing and training jobs is 5 days. */
  maxRuntimeSeconds: z.int().min(60).max(432000),
});

const pollingSchema = z.strictObject({
  pollIntervalSeconds: positiveInt(3600),
  maxPolls: positiveInt(10000),
});

export const endpointVariantSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("serverless"),
    /** SageMaker accepts 1024..6144 MB in steps of 1024. */
    memorySizeMb: z.int().min(1024).max(6144).multipleOf(1024),
    maxConcurrency: positiveInt(200),
  }),
  z.strictObject({
    kind: z.literal("instance"),
    instanceType,
    initialInstanceCount: positiveInt(100),
  }),
]);

/** The quality gate's thresholds (handlers/gate-decision.ts applies them). */
export const gateSettingsSchema = z.strictObject({
  /** Largest test MAE (hours, circular) a model may have to be deployed. */
  maxMae: z.number().positive().max(12),
  /** Share by which the model's MAE must be below the best baseline's (0.05: at least 5 % lower). */
  minImprovementOverBaseline: z.number().min(0).max(0.9),
  /** How much worse (hours of MAE) than the champion, on the same test split, a new model may be. */
  maxRegressionHours: z.number().min(0).max(12),
});
export type GateSettings = z.infer<typeof gateSettingsSchema>;

export const pipelineSettingsSchema = z
  .strictObject({
    aws: z.strictObject({
      partition: z.string().min(1),
      region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region such as eu-west-1"),
      accountId: z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id"),
    }),
    /** Upper bound of one execution; must leave room for every job's maximum runtime. */
    timeoutSeconds: z.int().min(60).max(31536000),
    /** Each handler's function ARN, by its key in contracts/handlers.ts. */
    lambdas: z.strictObject(byHandler(() => arnString("lambda"))),
    storage: z.strictObject({
      dataBucket: bucketName,
      artifactBucket: bucketName,
      /** The source SQL's default location (the execution input's `InputFilePath` overrides it). */
      sqlUri: s3Uri,
      /** A key ARN, never an alias: SageMaker volumes take key ids or ARNs (docs/deploy.md). */
      kmsKeyArn: z
        .string()
        .regex(
          /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/,
          "must be a KMS key ARN (not an alias)",
        )
        .optional(),
    }),
    query: pollingSchema,
    sagemaker: z.strictObject({
      roleArn: arnString("iam"),
      imageUri: z
        .string()
        .regex(/^[^\s]+(:[\w.-]+|@sha256:[a-f0-9]{64})$/, "must be an image URI with a tag or digest"),
      preprocessing: jobResourcesSchema,
      training: jobResourcesSchema,
      evaluation: jobResourcesSchema,
      /** SageMaker passes hyperparameters as strings. */
      hyperparameters: z.record(
        z.string().regex(/^[A-Za-z0-9_.-]{1,256}$/, "must be a hyperparameter name"),
        z.string(),
      ),
      metricDefinitions: z
        .array(z.strictObject({ Name: z.string().min(1), Regex: z.string().min(1) }))
        .max(40),
    }),
    gate: gateSettingsSchema,
    endpoint: z.strictObject({
      name: sageMakerNameSchema,
      variant: endpointVariantSchema,
      dataCapture: z
        .strictObject({ samplingPercent: z.int().min(1).max(100), destinationS3Uri: s3Uri })
        .optional(),
      wait: pollingSchema,
    }),
    tags: z.record(z.string().min(1).max(128), z.string().max(256)),
  })
  .superRefine((settings, ctx) => {
    const jobs = settings.sagemaker;
    const longest =
      jobs.preprocessing.maxRuntimeSeconds +
      jobs.training.maxRuntimeSeconds +
      jobs.evaluation.maxRuntimeSeconds;
    if (settings.timeoutSeconds <= longest) {
      ctx.addIssue({
        code: "custom",
        path: ["timeoutSeconds"],
        message: `must exceed the sum of the jobs' maxRuntimeSeconds (${longest}), or a slow but healthy run is cut off`,
      });
    }
    if (settings.endpoint.dataCapture && settings.endpoint.variant.kind === "serverless") {
      ctx.addIssue({
        code: "custom",
        path: ["endpoint", "dataCapture"],
        message: "is not supported by serverless endpoints; use an instance variant or remove it",
      });
    }
  });

export type PipelineSettings = z.infer<typeof pipelineSettingsSchema>;

export type JobResources = z.infer<typeof jobResourcesSchema>;
export type EndpointVariant = z.infer<typeof endpointVariantSchema>;

/** Raised for settings that cannot build a pipeline; the message names every bad key. */
export class InvalidSettingsError extends Error {
  override readonly name = "InvalidSettings";
  constructor(
    readonly problems: string[],
    what: string,
  ) {
    super(`Invalid ${what}:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
  }
}

/** Formats zod issues as `[path.to.key] message`, naming unknown keys as such. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], root = ""): string[] {
  return issues.flatMap((issue) => {
    const base = [root, ...issue.path.map(String)].filter(Boolean);
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => `[${[...base, key].join(".")}] is not a known key`);
    }
    const where = base.length > 0 ? base.join(".") : "(root)";
    return [`[${where}] ${issue.message}`];
  });
}

export function parsePipelineSettings(raw: unknown): PipelineSettings {
  const result = pipelineSettingsSchema.safeParse(raw);
  if (!result.success)
    throw new InvalidSettingsError(describeIssues(result.error.issues), "pipeline settings");
  return result.data;
}
