// The local references the definition is built from: the same settings type the Pulumi stacks fill with
// real ARNs, filled here with names that the local runner serves (function ARNs dispatched to in-process
// handlers, buckets that are directories under the workdir, a role and image that only label things).
import { type GateSettings, parsePipelineSettings, type PipelineSettings } from "../components/settings";
import { handlerArns } from "../contracts/handlers";
import { LOCAL_ACCOUNT, LOCAL_REGION } from "./endpoint-registry";

export const STATE_MACHINE_NAME = "visit-time-local";
export const DEFAULT_ENDPOINT_NAME = "visit-time-local";
export const DATA_BUCKET = "visit-time-local-data";
export const ARTIFACT_BUCKET = "visit-time-local-artifacts";
export const SOURCE_TABLE = "raw_hits";

/** The handler configs the Lambda functions would read from their environment (docs/contracts.md). */
export const LOCAL_HANDLER_CONFIG = {
  query: {
    workgroup: "primary",
    database: "visit_time_local",
    outputLocation: `s3://${ARTIFACT_BUCKET}/athena-results/`,
    sourceTable: SOURCE_TABLE,
  },
  snapshot: { datasetPrefix: `s3://${DATA_BUCKET}/datasets/` },
} as const;

export function functionArn(name: string): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${STATE_MACHINE_NAME}-${name}`;
}

export interface LocalSettingsOptions {
  endpointName: string;
  /** s3:// URI of the source SQL in the local S3 directory. */
  sqlUri: string;
  hyperparameters: Record<string, string>;
  metricDefinitions: { Name: string; Regex: string }[];
  /** @default LOCAL_GATE.maxMae */
  maxMae?: number;
  /** @default LOCAL_GATE.minImprovementOverBaseline */
  minImprovementOverBaseline?: number;
  /** @default LOCAL_GATE.maxRegressionHours */
  maxRegressionHours?: number;
}

/**
 * The quality gate of local runs, as the dev stack's (Pulumi.dev.yaml): at most 2 h of MAE (a push timed
 * 2 h off on average is barely timed), at least 5 % lower MAE than the best baseline (else a rule of thumb
 * does as well), and no regression against the champion on the same test split.
 */
export const LOCAL_GATE: GateSettings = {
  maxMae: 2,
  minImprovementOverBaseline: 0.05,
  maxRegressionHours: 0,
};

const job = { instanceType: "ml.m5.large", instanceCount: 1, volumeSizeGb: 10, maxRuntimeSeconds: 3600 };

/** Validated settings for a local run (a bad flag value fails here, naming the settings key). */
export function localSettings(options: LocalSettingsOptions): PipelineSettings {
  return parsePipelineSettings({
    aws: { partition: "aws", region: LOCAL_REGION, accountId: LOCAL_ACCOUNT },
    timeoutSeconds: 4 * 3600,
    lambdas: handlerArns(functionArn),
    storage: { dataBucket: DATA_BUCKET, artifactBucket: ARTIFACT_BUCKET, sqlUri: options.sqlUri },
    // Wait states are shortened by the runner; these only bound the loops, as in the cloud.
    query: { pollIntervalSeconds: 5, maxPolls: 120 },
    sagemaker: {
      roleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/${STATE_MACHINE_NAME}-sagemaker`,
      imageUri: "visit-time-training:local",
      preprocessing: job,
      training: job,
      evaluation: job,
      hyperparameters: options.hyperparameters,
      metricDefinitions: options.metricDefinitions,
    },
    gate: {
      maxMae: options.maxMae ?? LOCAL_GATE.maxMae,
      minImprovementOverBaseline: options.minImprovementOverBaseline ?? LOCAL_GATE.minImprovementOverBaseline,
      maxRegressionHours: options.maxRegressionHours ?? LOCAL_GATE.maxRegressionHours,
    },
    endpoint: {
      name: options.endpointName,
      variant: { kind: "instance", instanceType: "ml.m5.large", initialInstanceCount: 1 },
      wait: { pollIntervalSeconds: 30, maxPolls: 60 },
    },
    tags: { project: "visit-time-pipeline", environment: "local" },
  });
}
