// The local model registry: SageMaker's Model Package Group as JSON files under
// `<workdir>/registry/model-packages/<group>/<version>.json`, one group per endpoint. Every evaluated model
// is registered with the fields DescribeModelPackage returns (status, description, inference container,
// metrics URI, CustomerMetadataProperties from contracts/model-package.ts) and the same facts structured
// for `npm run runs`: metrics, data lineage, hyperparameters, the gate's decision, and every change of its
// approval status with the reason. Versions count from 1 and are claimed exclusively, as SageMaker does.
// The definition's Register*Model Tasks call CreateModelPackage (answered here, as in the cloud); once the
// run has ended, the runner completes that package with the facts only the run knows (complete()).
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import {
  APPROVAL_STATUSES,
  type ApprovalStatus,
  approvalStatusOf,
  type GateOutcome,
  MODEL_PACKAGE_LIMITS,
  modelPackageMetadata,
  withinLimit,
} from "../contracts/model-package";
import { LOCAL_ACCOUNT, LOCAL_REGION } from "./endpoint-registry";
import { SageMakerValidationError } from "./errors";
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

/** What CreateModelPackage records: DescribeModelPackage's fields and the approval history. */
export interface RegisteredPackage {
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

/** A package completed with the run's structured facts: what `npm run runs` reads. */
export interface ModelPackage extends ModelPackageInput, RegisteredPackage {}

/** The CreateModelPackage request the definition's Register*Model Tasks make (the fields they send). */
export interface CreateModelPackageRequest {
  ModelPackageGroupName: string;
  ModelPackageDescription?: string;
  InferenceSpecification?: RegisteredPackage["InferenceSpecification"];
  ModelApprovalStatus?: string;
  ModelMetrics?: RegisteredPackage["ModelMetrics"];
  CustomerMetadataProperties?: Record<string, unknown>;
  Tags?: { Key: string; Value: string }[];
}

function isComplete(record: RegisteredPackage | ModelPackage): record is ModelPackage {
  return "metrics" in record && "executionName" in record;
}

/** SageMaker's checks of the request, with its wording: a bad request fails here as it would there. */
function checkCreateRequest(request: CreateModelPackageRequest): {
  status: ApprovalStatus;
  metadata: Record<string, string>;
} {
  const problems: string[] = [];
  const status = request.ModelApprovalStatus ?? "PendingManualApproval";
  if (!approvalStatusOfText(status)) {
    problems.push(
      `Value '${status}' at 'modelApprovalStatus' failed to satisfy constraint: Member must satisfy enum value set: [${APPROVAL_STATUSES.join(", ")}]`,
    );
  }
  if ((request.ModelPackageDescription ?? "").length > MODEL_PACKAGE_LIMITS.description) {
    problems.push(
      `Value at 'modelPackageDescription' failed to satisfy constraint: Member must have length less than or equal to ${MODEL_PACKAGE_LIMITS.description}`,
    );
  }
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.CustomerMetadataProperties ?? {})) {
    if (typeof value !== "string" || value === "") {
      problems.push(
        `Value at 'customerMetadataProperties.${key}' failed to satisfy constraint: Member must be a non-empty string`,
      );
    } else if (value.length > MODEL_PACKAGE_LIMITS.metadataValue) {
      problems.push(
        `Value at 'customerMetadataProperties.${key}' failed to satisfy constraint: Member must have length less than or equal to ${MODEL_PACKAGE_LIMITS.metadataValue}`,
      );
    } else metadata[key] = value;
  }
  if (problems.length > 0) {
    throw new SageMakerValidationError(
      `${problems.length} validation error(s) detected: ${problems.join("; ")}.`,
    );
  }
  return { status: status as ApprovalStatus, metadata };
}

function approvalStatusOfText(text: string): text is ApprovalStatus {
  return (APPROVAL_STATUSES as readonly string[]).includes(text);
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
    // The gate's decision comes with the request (the definition's Register*Model Tasks).
    gate: null,
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
    return this.claimNextVersion(input.groupName, (version): ModelPackage => ({
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
    }));
  }

  /**
   * CreateModelPackage, as the definition's Register*Model Tasks call it: the package with the request's
   * fields and status. `complete()` adds the run's structured facts once the run has ended.
   */
  async createModelPackage(request: CreateModelPackageRequest): Promise<{ ModelPackageArn: string }> {
    const { status, metadata } = checkCreateRequest(request);
    const groupName = request.ModelPackageGroupName;
    const at = this.now().toISOString();
    const description = request.ModelPackageDescription ?? "";
    const record = await this.claimNextVersion(groupName, (version): RegisteredPackage => ({
      ModelPackageGroupName: groupName,
      ModelPackageVersion: version,
      ModelPackageArn: modelPackageArn(groupName, version),
      ModelPackageDescription: description,
      ModelApprovalStatus: status,
      ApprovalDescription: description,
      CreationTime: at,
      LastModifiedTime: at,
      InferenceSpecification: request.InferenceSpecification ?? {
        Containers: [],
        SupportedContentTypes: [],
        SupportedResponseMIMETypes: [],
      },
      ModelMetrics: request.ModelMetrics ?? {
        ModelQuality: { Statistics: { ContentType: "application/json", S3Uri: "" } },
      },
      CustomerMetadataProperties: metadata,
      approvals: [{ status, at, by: "registration", description }],
    }));
    return { ModelPackageArn: record.ModelPackageArn };
  }

  /** The package a run's Register*Model Task created and the runner has not completed yet, if any. */
  async findCreatedByExecution(groupName: string, executionName: string): Promise<RegisteredPackage | null> {
    for (const version of await this.versions(groupName)) {
      const record = await readJsonIfExists<RegisteredPackage | ModelPackage>(this.path(groupName, version));
      if (
        record &&
        !isComplete(record) &&
        record.CustomerMetadataProperties["executionName"] === executionName
      ) {
        return record;
      }
    }
    return null;
  }

  /**
   * Completes a package the definition created with the run's structured facts (metrics, lineage, the
   * gate's decision, the names it deploys under) and the metadata only the run knows (the input files,
   * the SQL's digest, the backend). Its version, ARN, status and creation time stay the Task's.
   */
  async complete(created: RegisteredPackage, input: ModelPackageInput): Promise<ModelPackage> {
    const description = withinLimit(
      input.gate ? `quality gate ${input.gate.reason}` : created.ApprovalDescription,
      MODEL_PACKAGE_LIMITS.description,
    );
    const by = input.gate ? "quality gate" : "registration";
    const completed: ModelPackage = {
      ...input,
      ...created,
      ApprovalDescription: description,
      CustomerMetadataProperties: { ...created.CustomerMetadataProperties, ...localPackageMetadata(input) },
      approvals: created.approvals.map((change, index) =>
        index === 0 ? { ...change, by, description } : change,
      ),
    };
    await replaceJsonFile(this.path(created.ModelPackageGroupName, created.ModelPackageVersion), completed);
    return completed;
  }

  /** Claims the group's next version exclusively (another process may take one first: then the next). */
  private async claimNextVersion<T extends RegisteredPackage>(
    groupName: string,
    build: (version: number) => T,
  ): Promise<T> {
    for (let version = (await this.versions(groupName)).at(-1) ?? 0; ;) {
      version += 1;
      const record = build(version);
      if (await createJsonFile(this.path(groupName, version), record)) return record;
    }
  }

  /** Every completed package of the group, oldest version first. */
  async list(groupName: string): Promise<ModelPackage[]> {
    const packages: ModelPackage[] = [];
    for (const version of await this.versions(groupName)) {
      const record = await readJsonIfExists<RegisteredPackage | ModelPackage>(this.path(groupName, version));
      // A package its run has not completed yet (the run is still going) is not listed.
      if (record && isComplete(record)) packages.push(record);
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
