// The settings of a local run: the dev stack's configuration (Pulumi.dev.yaml, parsed by the stack's own
// schema) with the flags' overrides, mapped to settings with local references like the stacks' deployed
// ones: function ARNs dispatched to in-process handlers, buckets that are directories under the workdir
// with the stacks' storage layout, a role and image that only label things.
import { resolve } from "node:path";
import {
  CONFIG_NAMESPACE,
  type DeployedReferences,
  pipelineSettingsFromConfig,
  type StackConfig,
} from "../components/config";
import { readStackConfigFile } from "../components/stack-config-file";
import {
  type DataQualitySettings,
  type GateSettings,
  InvalidSettingsError,
  type PipelineSettings,
} from "../components/settings";
import { DATA_PREFIXES, s3Uri } from "../components/storage/layout";
import { arn } from "../components/asl/iam";
import { handlerArns } from "../contracts/handlers";
import { LOCAL_AWS } from "./endpoint-registry";

/** The stack whose configuration a local run takes. */
export const LOCAL_STACK = "dev";
export const STATE_MACHINE_NAME = "visit-time-local";
export const DEFAULT_ENDPOINT_NAME = "visit-time-local";
export const DATA_BUCKET = "visit-time-local-data";
export const ARTIFACT_BUCKET = "visit-time-local-artifacts";
export const SOURCE_TABLE = "raw_hits";

const REPOSITORY_ROOT = resolve(__dirname, "..");

/** The handler configs the Lambda functions would read from their environment (docs/contracts.md). */
export const LOCAL_HANDLER_CONFIG = {
  query: {
    workgroup: "primary",
    database: "visit_time_local",
    outputLocation: s3Uri(DATA_BUCKET, DATA_PREFIXES.queryResults),
    sourceTable: SOURCE_TABLE,
  },
  // As Storage exposes it to the snapshot function.
  snapshot: { datasetPrefix: s3Uri(DATA_BUCKET, DATA_PREFIXES.datasets.slice(0, -1)) },
} as const;

export function functionArn(name: string): string {
  return arn(LOCAL_AWS, "lambda", `function:${STATE_MACHINE_NAME}-${name}`);
}

/** What the local runner stands in for: the references a deployment would resolve. */
export function localReferences(sqlUri: string): DeployedReferences {
  return {
    aws: LOCAL_AWS,
    lambdas: handlerArns(functionArn),
    dataBucket: DATA_BUCKET,
    artifactBucket: ARTIFACT_BUCKET,
    sqlUri,
    sageMakerRoleArn: arn(LOCAL_AWS, "iam", `role/${STATE_MACHINE_NAME}-sagemaker`, { global: true }),
    imageUri: "visit-time-training:local",
    stackName: STATE_MACHINE_NAME,
    notificationTopicArn: arn(LOCAL_AWS, "sns", `${STATE_MACHINE_NAME}-notifications`),
  };
}

export interface LocalSettingsOptions {
  endpointName: string;
  /** s3:// URI of the source SQL in the local S3 directory. */
  sqlUri: string;
  /** The training job's hyperparameters (the CLI merges `--hp` over the container's defaults). */
  hyperparameters: Record<string, string>;
  /** @default the dev stack's qualityGate.maxMae */
  maxMae?: number;
  /** @default the dev stack's qualityGate.minImprovementOverBaseline */
  minImprovementOverBaseline?: number;
  /** @default the dev stack's qualityGate.maxRegressionHours */
  maxRegressionHours?: number;
  /** @default the dev stack's dataQuality.maxInvalidHitShare */
  maxInvalidHitShare?: number;
}

/** The dev stack's configuration, validated: what a local run starts from. */
function devStackConfig(change?: (values: Record<string, unknown>) => Record<string, unknown>): StackConfig {
  return readStackConfigFile(LOCAL_STACK, REPOSITORY_ROOT, change).config;
}

/** The quality gate a local run applies unless its flags say otherwise: the dev stack's. */
export function defaultGate(): GateSettings {
  return devStackConfig().qualityGate;
}

/** The data-quality threshold a local run applies unless --max-invalid-share says otherwise. */
export function defaultDataQuality(): DataQualitySettings {
  return devStackConfig().dataQuality;
}

/** The flags' overrides of the stack configuration's values. */
function withFlags(options: LocalSettingsOptions) {
  const gateFlags: Partial<GateSettings> = {
    ...(options.maxMae !== undefined ? { maxMae: options.maxMae } : {}),
    ...(options.minImprovementOverBaseline !== undefined
      ? { minImprovementOverBaseline: options.minImprovementOverBaseline }
      : {}),
    ...(options.maxRegressionHours !== undefined ? { maxRegressionHours: options.maxRegressionHours } : {}),
  };
  return (values: Record<string, unknown>): Record<string, unknown> => {
    const endpoint = values["endpoint"] as Record<string, unknown> | undefined;
    const gate = values["qualityGate"] as Record<string, unknown> | undefined;
    const tags = values["tags"] as Record<string, unknown> | undefined;
    const dataQuality = values["dataQuality"] as Record<string, unknown> | undefined;
    return {
      ...values,
      ...(options.maxInvalidHitShare !== undefined
        ? { dataQuality: { ...dataQuality, maxInvalidHitShare: options.maxInvalidHitShare } }
        : {}),
      endpoint: { ...endpoint, name: options.endpointName },
      qualityGate: { ...gate, ...gateFlags },
      tags: { ...tags, environment: "local" },
    };
  };
}

/** The configuration key each flag overrides: a bad flag value is named by its flag and its key. */
const FLAG_OF_KEY: Readonly<Record<string, string>> = {
  "endpoint.name": "--endpoint-name",
  "qualityGate.maxMae": "--max-mae",
  "qualityGate.minImprovementOverBaseline": "--min-improvement",
  "qualityGate.maxRegressionHours": "--max-regression",
  "dataQuality.maxInvalidHitShare": "--max-invalid-share",
};

function withFlagNames(problem: string): string {
  const flag = Object.entries(FLAG_OF_KEY).find(([key]) =>
    problem.startsWith(`[${CONFIG_NAMESPACE}.${key}]`),
  )?.[1];
  return flag ? `${flag}: ${problem}` : problem;
}

/** The dev stack's configuration under the flags, validated once by the stack's schema. */
function configWithFlags(options: LocalSettingsOptions): StackConfig {
  try {
    return devStackConfig(withFlags(options));
  } catch (error) {
    if (!(error instanceof InvalidSettingsError)) throw error;
    throw new InvalidSettingsError(
      error.problems.map(withFlagNames),
      `settings of a local run (Pulumi.${LOCAL_STACK}.yaml and the flags)`,
    );
  }
}

/**
 * Settings for a local run (a bad flag value fails here, naming the flag and its key). The training
 * job's hyperparameters are the run's own: the container's defaults under the `--hp` flags.
 */
export function localSettings(options: LocalSettingsOptions): PipelineSettings {
  const settings = pipelineSettingsFromConfig(configWithFlags(options), localReferences(options.sqlUri));
  return { ...settings, sagemaker: { ...settings.sagemaker, hyperparameters: options.hyperparameters } };
}
