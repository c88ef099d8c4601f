// The plain references and settings the definition is built from. Pure (no Pulumi): TrainingPipeline
// fills it with resolved ARNs, the local runner with local references. The schemas of its parts are the
// ones the stack configuration (config.ts) is built from, so each rule is written once.
import { z } from "zod";
import { byHandler } from "../contracts/handlers";
import { SAGEMAKER_NAME, SAGEMAKER_NAME_RULE } from "../contracts/sagemaker-names";

export const instanceTypeSchema = z
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
  instanceType: instanceTypeSchema,
  instanceCount: positiveInt(100),
  volumeSizeGb: positiveInt(16384),
  /** SageMaker's limit for processing and training jobs is 5 days. */
  maxRuntimeSeconds: z.int().min(60).max(432000),
});

/** A bounded status loop: seconds between checks, and how many checks at most. */
export const pollingSchema = z.strictObject({
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
    instanceType: instanceTypeSchema,
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

/** What the data must be before anything is trained (handlers/snapshot-dataset.ts checks it). */
export const dataQualitySchema = z.strictObject({
  /** The largest share of distinct raw hits that may break the raw-hits contract (0.05: 5 %). */
  maxInvalidHitShare: z.number().min(0).max(1),
});
export type DataQualitySettings = z.infer<typeof dataQualitySchema>;

/** The default when a stack configuration does not set dataQuality. */
export const DEFAULT_DATA_QUALITY: DataQualitySettings = { maxInvalidHitShare: 0.05 };

/** Upper bound of one execution; must leave room for every job's maximum runtime. */
export const timeoutSecondsSchema = z.int().min(60).max(31536000);

export const samplingPercentSchema = z.int().min(1).max(100);

/** The execution's timeout must exceed the jobs' maximum runtimes together, or a slow but healthy run is cut off. */
export function timeoutProblem(
  timeoutSeconds: number,
  jobs: readonly { maxRuntimeSeconds: number }[],
): string | undefined {
  const longest = jobs.reduce((sum, job) => sum + job.maxRuntimeSeconds, 0);
  return timeoutSeconds > longest
    ? undefined
    : `must exceed the sum of the jobs' maxRuntimeSeconds (${longest}), or a slow but healthy run is cut off`;
}

/** Serverless endpoints cannot capture data. */
export function dataCaptureProblem(variant: EndpointVariant, dataCapture: unknown): string | undefined {
  return dataCapture && variant.kind === "serverless"
    ? "is not supported by serverless endpoints; use an instance variant or remove it"
    : undefined;
}

export const pipelineSettingsSchema = z
  .strictObject({
    aws: z.strictObject({
      partition: z.string().min(1),
      region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region such as eu-west-1"),
      accountId: z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id"),
    }),
    timeoutSeconds: timeoutSecondsSchema,
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
    dataQuality: dataQualitySchema,
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
        .strictObject({ samplingPercent: samplingPercentSchema, destinationS3Uri: s3Uri })
        .optional(),
      wait: pollingSchema,
    }),
    /** The stack's notification topic: a rejected model is announced there (failures reach it by EventBridge). */
    notifications: z.strictObject({ topicArn: arnString("sns") }),
    tags: z.record(z.string().min(1).max(128), z.string().max(256)),
  })
  .superRefine((settings, ctx) => {
    const { preprocessing, training, evaluation } = settings.sagemaker;
    const timeout = timeoutProblem(settings.timeoutSeconds, [preprocessing, training, evaluation]);
    if (timeout) ctx.addIssue({ code: "custom", path: ["timeoutSeconds"], message: timeout });
    const capture = dataCaptureProblem(settings.endpoint.variant, settings.endpoint.dataCapture);
    if (capture) ctx.addIssue({ code: "custom", path: ["endpoint", "dataCapture"], message: capture });
  });

export type PipelineSettings = z.infer<typeof pipelineSettingsSchema>;

/**
 * The tag every SageMaker job, model, endpoint config and endpoint of a stack carries, valued with the
 * stack's name (`visit-time-<stack>`, the prefix of its resources): the state machine's role may create
 * only resources that carry it (aws:RequestTag) and stop, follow or deploy only those that do
 * (aws:ResourceTag), so it cannot touch another stack's SageMaker resources of the same account.
 */
export const STACK_TAG_KEY = "visit-time-pipeline:stack";

/** The stack's name as its SageMaker resources are tagged with it (STACK_TAG_KEY). */
export function stackTagValue(tags: Record<string, string>): string {
  const value = tags[STACK_TAG_KEY];
  if (!value) {
    throw new InvalidSettingsError(
      [`[tags] must carry ${STACK_TAG_KEY}, the stack's name`],
      "pipeline settings",
    );
  }
  return value;
}

/** What every SageMaker call of the definition names: the environment, role, image, key and tags. */
export function sageMakerCallerProps(settings: PipelineSettings) {
  return {
    aws: settings.aws,
    roleArn: settings.sagemaker.roleArn,
    imageUri: settings.sagemaker.imageUri,
    kmsKeyArn: settings.storage.kmsKeyArn,
    tags: settings.tags,
  };
}

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
