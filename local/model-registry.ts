// The local model registry: SageMaker's Model Package Group as JSON files under
// `<workdir>/registry/model-packages/<group>/<version>.json`, one group per endpoint. Every evaluated model
// is registered with the fields DescribeModelPackage returns (status, description, inference container,
// metrics URI, CustomerMetadataProperties from contracts/model-package.ts) and the same facts structured
// for `npm run runs`: metrics, data lineage, hyperparameters, the gate's decision, and every change of its
// approval status with the reason. Versions count from 1 and are claimed exclusively, as SageMaker does.
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import {
  type ApprovalStatus,
  approvalStatusOf,
  type GateOutcome,
  MODEL_PACKAGE_LIMITS,
  modelPackageMetadata,
  withinLimit,
} from "../contracts/model-package";
import { LOCAL_ACCOUNT, LOCAL_REGION } from "./endpoint-registry";
import { createJsonFile, isErrno, readJsonIfExists, replaceJsonFile } from "./json-files";
import type { RunLineage } from "./lineage";

export interface PackageMetrics {
  model: { mae: number; rmse: number };
  baselines: Record<string, { mae: number; rmse: number }>;
  bestBaseline: { name: string; mae: number; rmse: number };
  /** The champion scored on the same test split; null when there was none. */
  champion: { modelName: string; mae: number; rmse: number } | null;
  nTest: number;
}

/** One change of a package's approval status, oldest first. */
export interface ApprovalChange {
  status: ApprovalStatus;
  at: string;
  /** Who decided: the quality gate, or a command (promote). */
  by: string;
  description: string;
}

/** What a run registers (the registry adds version, ARN, status and times). */
export interface ModelPackageInput {
  groupName: string;
  executionName: string;
  /** The SageMaker model name the run deploys under (`$.run.ModelName`) and its endpoint config's. */
  modelName: string;
  endpointConfigName: string;
  imageUri: string;
  modelDataUrl: string;
  evaluationUri: string;
  metrics: PackageMetrics;
  lineage: RunLineage;
  /** The gate's decision; null when the run ended before the gate decided. */
  gate: GateOutcome | null;
}

export interface ModelPackage extends ModelPackageInput {
  ModelPackageGroupName: string;
  ModelPackageVersion: number;
  ModelPackageArn: string;
  ModelPackageDescription: string;
  ModelApprovalStatus: ApprovalStatus;
  ApprovalDescription: string;
  CreationTime: string;
  LastModifiedTime: string;
  InferenceSpecification: {
    Containers: { Image: string; ModelDataUrl: string }[];
    SupportedContentTypes: string[];
    SupportedResponseMIMETypes: string[];
  };
  ModelMetrics: { ModelQuality: { Statistics: { ContentType: string; S3Uri: string } } };
  CustomerMetadataProperties: Record<string, string>;
  approvals: ApprovalChange[];
}

export function modelPackageArn(groupName: string, version: number): string {
  return `arn:aws:sagemaker:${LOCAL_REGION}:${LOCAL_ACCOUNT}:model-package/${groupName.toLowerCase()}/${version}`;
}

/** The CustomerMetadataProperties of a local package (the input is a local path or glob). */
export function localPackageMetadata(input: ModelPackageInput): Record<string, string> {
  const { lineage, metrics } = input;
  return modelPackageMetadata({
    executionName: input.executionName,
    mae: metrics.model.mae,
    rmse: metrics.model.rmse,
    bestBaseline: metrics.bestBaseline,
    champion: metrics.champion,
    nTest: metrics.nTest,
    input: {
      uri: lineage.input.paths.join(","),
      sizeBytes: lineage.input.sizeBytes,
      sha256: lineage.input.sha256,
    },
    sql: lineage.sql,
    dataset: lineage.dataset,
    hyperparameters: lineage.hyperparameters,
    backend: lineage.backend,
  });
}

export class UnknownModelPackage extends Error {
  override readonly name = "UnknownModelPackage";
}

export class LocalModelRegistry {
  constructor(
    /** `<workdir>/registry`. */
    readonly root: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private groupDir(groupName: string): string {
    return join(this.root, "model-packages", groupName);
  }

  /** Registers a model as the group's next version, with the status its gate decision gives it. */
  async register(input: ModelPackageInput): Promise<ModelPackage> {
    const at = this.now().toISOString();
    const status = approvalStatusOf(input.gate);
    const description = withinLimit(
      input.gate
        ? `quality gate ${input.gate.reason}`
        : "registered after evaluation; the gate did not decide",
      MODEL_PACKAGE_LIMITS.description,
    );
    for (let version = (await this.versions(input.groupName)).at(-1) ?? 0; ;) {
      version += 1;
      const record: ModelPackage = {
        ...input,
        ModelPackageGroupName: input.groupName,
        ModelPackageVersion: version,
        ModelPackageArn: modelPackageArn(input.groupName, version),
        ModelPackageDescription: `${input.executionName}: MAE ${input.metrics.model.mae} h on ${input.metrics.nTest} test examples`,
        ModelApprovalStatus: status,
        ApprovalDescription: description,
        CreationTime: at,
        LastModifiedTime: at,
        InferenceSpecification: {
          Containers: [{ Image: input.imageUri, ModelDataUrl: input.modelDataUrl }],
          SupportedContentTypes: ["application/json"],
          SupportedResponseMIMETypes: ["application/json"],
        },
        ModelMetrics: {
          ModelQuality: { Statistics: { ContentType: "application/json", S3Uri: input.evaluationUri } },
        },
        CustomerMetadataProperties: localPackageMetadata(input),
        approvals: [{ status, at, by: input.gate ? "quality gate" : "registration", description }],
      };
      // Another process may have claimed this version: take the next one.
      if (await createJsonFile(this.path(input.groupName, version), record)) return record;
    }
  }

  /** Every package of the group, oldest version first. */
  async list(groupName: string): Promise<ModelPackage[]> {
    const packages: ModelPackage[] = [];
    for (const version of await this.versions(groupName)) {
      const record = await readJsonIfExists<ModelPackage>(this.path(groupName, version));
      if (record) packages.push(record);
    }
    return packages;
  }

  /** The package a run registered, if any. */
  async findByExecution(groupName: string, executionName: string): Promise<ModelPackage | null> {
    return (await this.list(groupName)).find((pkg) => pkg.executionName === executionName) ?? null;
  }

  /** UpdateModelPackage: a new approval status with its reason, kept in the package's approvals. */
  async updateApprovalStatus(
    groupName: string,
    version: number,
    change: { status: ApprovalStatus; by: string; description: string },
  ): Promise<ModelPackage> {
    const path = this.path(groupName, version);
    const record = await readJsonIfExists<ModelPackage>(path);
    if (!record) {
      throw new UnknownModelPackage(`Model package ${modelPackageArn(groupName, version)} does not exist.`);
    }
    const at = this.now().toISOString();
    const description = withinLimit(change.description, MODEL_PACKAGE_LIMITS.description);
    const updated: ModelPackage = {
      ...record,
      ModelApprovalStatus: change.status,
      ApprovalDescription: description,
      LastModifiedTime: at,
      approvals: [...record.approvals, { status: change.status, at, by: change.by, description }],
    };
    await replaceJsonFile(path, updated);
    return updated;
  }

  private path(groupName: string, version: number): string {
    return join(this.groupDir(groupName), `${version}.json`);
  }

  private async versions(groupName: string): Promise<number[]> {
    try {
      return (await readdir(this.groupDir(groupName)))
        .map((file) => /^(\d+)\.json$/.exec(file)?.[1])
        .filter((version): version is string => version !== undefined)
        .map(Number)
        .sort((a, b) => a - b);
    } catch (error) {
      if (isErrno(error, "ENOENT")) return [];
      throw error;
    }
  }
}
