// SageMaker models, endpoint configs and endpoints as JSON files under `<workdir>/registry/`, with the
// shapes and the rules of the SageMaker API: creating a name that exists fails, naming a missing resource
// fails, an endpoint being created or updated reports Creating/Updating on its next describe and is
// InService after it (so the definition's wait loop runs). Models and endpoint configs are immutable
// once written; an endpoint keeps the history of every config it served (its model versions).
import { join } from "node:path";
import { arn, type AwsEnvironment } from "../components/asl/iam";
import type { DeployedModel, EndpointDescription, EndpointRegistry } from "../handlers/ports";
import { SAGEMAKER_NAME } from "../contracts/sagemaker-names";
import { SageMakerValidationError } from "./errors";
import { createJsonFile, readJsonIfExists, replaceJsonFile } from "./json-files";

export const LOCAL_REGION = "us-east-1";
export const LOCAL_ACCOUNT = "000000000000";
/** Where the local run's ARNs are built, with the same `arn()` as the stacks'. */
export const LOCAL_AWS: AwsEnvironment = { partition: "aws", region: LOCAL_REGION, accountId: LOCAL_ACCOUNT };

type Environment = Record<string, string>;

export interface ContainerDefinition {
  Image?: string;
  ModelDataUrl?: string;
  Environment?: Environment;
  Mode?: string;
}

export interface CreateModelRequest {
  ModelName: string;
  PrimaryContainer: ContainerDefinition;
  ExecutionRoleArn?: string;
  Tags?: { Key: string; Value: string }[];
}

export interface ModelRecord extends CreateModelRequest {
  ModelArn: string;
  CreationTime: string;
}

export interface ProductionVariant {
  VariantName: string;
  ModelName: string;
  InitialInstanceCount?: number;
  InstanceType?: string;
  InitialVariantWeight?: number;
  ServerlessConfig?: { MemorySizeInMB: number; MaxConcurrency: number };
}

export interface CreateEndpointConfigRequest {
  EndpointConfigName: string;
  ProductionVariants: ProductionVariant[];
  DataCaptureConfig?: Record<string, unknown>;
  KmsKeyId?: string;
  Tags?: { Key: string; Value: string }[];
}

export interface EndpointConfigRecord extends CreateEndpointConfigRequest {
  EndpointConfigArn: string;
  CreationTime: string;
}

export interface EndpointRequest {
  EndpointName: string;
  EndpointConfigName: string;
  Tags?: { Key: string; Value: string }[];
}

export type EndpointStatus = "Creating" | "Updating" | "InService" | "Failed";

/** One config the endpoint served, in order; `version` counts from 1. */
export interface EndpointVersion {
  version: number;
  endpointConfigName: string;
  modelName: string;
  requestedAt: string;
  inServiceAt: string | null;
}

export interface EndpointRecord {
  EndpointName: string;
  EndpointArn: string;
  /** The config the endpoint serves now (while Updating: still the previous one, as SageMaker does). */
  EndpointConfigName: string;
  EndpointStatus: EndpointStatus;
  CreationTime: string;
  LastModifiedTime: string;
  /** The config an update is rolling out; null when none is in progress. */
  pendingEndpointConfigName: string | null;
  history: EndpointVersion[];
}

/** DescribeEndpoint's response (the fields the pipeline and the local server use). */
export type DescribeEndpointResponse = Pick<
  EndpointRecord,
  | "EndpointName"
  | "EndpointArn"
  | "EndpointConfigName"
  | "EndpointStatus"
  | "CreationTime"
  | "LastModifiedTime"
> & {
  ProductionVariants: { VariantName: string; CurrentWeight: number; DesiredWeight: number }[];
  FailureReason?: string;
};

/** What an endpoint serves now, resolved down to the model's artifacts. */
export interface CurrentDeployment {
  endpointName: string;
  status: EndpointStatus;
  version: number;
  endpointConfigName: string;
  modelName: string;
  modelDataUrl: string | null;
  evaluationUri: string | null;
  history: EndpointVersion[];
}

type Kind = "model" | "endpoint-config" | "endpoint";

const DIRECTORY: Record<Kind, string> = {
  model: "models",
  "endpoint-config": "endpoint-configs",
  endpoint: "endpoints",
};

const DISPLAY: Record<Kind, string> = {
  model: "model",
  "endpoint-config": "endpoint configuration",
  endpoint: "endpoint",
};

export function sageMakerArn(kind: Kind, name: string): string {
  return arn(LOCAL_AWS, "sagemaker", `${kind}/${name.toLowerCase()}`);
}

export class LocalEndpointRegistry {
  constructor(
    readonly root: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async createModel(request: CreateModelRequest): Promise<{ ModelArn: string }> {
    const ModelArn = sageMakerArn("model", this.checkName("model", request.ModelName));
    const record: ModelRecord = { ...request, ModelArn, CreationTime: this.timestamp() };
    await this.create("model", request.ModelName, record);
    return { ModelArn };
  }

  async describeModel(modelName: string): Promise<ModelRecord> {
    return this.read<ModelRecord>("model", modelName);
  }

  async createEndpointConfig(request: CreateEndpointConfigRequest): Promise<{ EndpointConfigArn: string }> {
    const name = this.checkName("endpoint-config", request.EndpointConfigName);
    if (!Array.isArray(request.ProductionVariants) || request.ProductionVariants.length === 0) {
      throw new SageMakerValidationError(
        `ProductionVariants of endpoint configuration "${name}" must list at least one variant.`,
      );
    }
    for (const variant of request.ProductionVariants)
      await this.read<ModelRecord>("model", variant.ModelName);
    const EndpointConfigArn = sageMakerArn("endpoint-config", name);
    const record: EndpointConfigRecord = { ...request, EndpointConfigArn, CreationTime: this.timestamp() };
    await this.create("endpoint-config", name, record);
    return { EndpointConfigArn };
  }

  async describeEndpointConfig(endpointConfigName: string): Promise<EndpointConfigRecord> {
    return this.read<EndpointConfigRecord>("endpoint-config", endpointConfigName);
  }

  async createEndpoint(request: EndpointRequest): Promise<{ EndpointArn: string }> {
    const name = this.checkName("endpoint", request.EndpointName);
    const config = await this.describeEndpointConfig(request.EndpointConfigName);
    const now = this.timestamp();
    const EndpointArn = sageMakerArn("endpoint", name);
    const record: EndpointRecord = {
      EndpointName: name,
      EndpointArn,
      EndpointConfigName: config.EndpointConfigName,
      EndpointStatus: "Creating",
      CreationTime: now,
      LastModifiedTime: now,
      pendingEndpointConfigName: null,
      history: [
        {
          version: 1,
          endpointConfigName: config.EndpointConfigName,
          modelName: firstModelName(config),
          requestedAt: now,
          inServiceAt: null,
        },
      ],
    };
    await this.create("endpoint", name, record);
    return { EndpointArn };
  }

  async updateEndpoint(request: EndpointRequest): Promise<{ EndpointArn: string }> {
    const endpoint = await this.read<EndpointRecord>("endpoint", request.EndpointName);
    if (endpoint.EndpointStatus !== "InService") {
      throw new SageMakerValidationError(
        `Cannot update in-progress endpoint "${endpoint.EndpointArn}" (status ${endpoint.EndpointStatus}): ` +
          "wait until it is InService.",
      );
    }
    const config = await this.describeEndpointConfig(request.EndpointConfigName);
    const now = this.timestamp();
    const last = endpoint.history.at(-1);
    const updated: EndpointRecord = {
      ...endpoint,
      EndpointStatus: "Updating",
      LastModifiedTime: now,
      pendingEndpointConfigName: config.EndpointConfigName,
      history: [
        ...endpoint.history,
        {
          version: (last?.version ?? 0) + 1,
          endpointConfigName: config.EndpointConfigName,
          modelName: firstModelName(config),
          requestedAt: now,
          inServiceAt: null,
        },
      ],
    };
    await replaceJsonFile(this.path("endpoint", endpoint.EndpointName), updated);
    return { EndpointArn: endpoint.EndpointArn };
  }

  /**
   * DescribeEndpoint. Returns the status as it is, then completes a pending create or update, so the
   * caller sees Creating/Updating once and InService on its next describe.
   */
  async describeEndpoint(endpointName: string): Promise<DescribeEndpointResponse> {
    const endpoint = await this.read<EndpointRecord>("endpoint", endpointName);
    const response = describeResponse(
      endpoint,
      await this.describeEndpointConfig(endpoint.EndpointConfigName),
    );
    await this.complete(endpoint);
    return response;
  }

  /**
   * What SageMaker does on its own once it accepted a create or update: carries it out. A run that ends
   * (failed, aborted) after its change was accepted calls this, so that the endpoint serves what it would
   * in the cloud and the run's summary reports that, not the state the run happened to stop in.
   * Returns the endpoint as it then is; null when there is no such endpoint.
   */
  async settle(endpointName: string): Promise<EndpointRecord | null> {
    const endpoint = await this.readEndpoint(endpointName);
    if (!endpoint) return null;
    await this.complete(endpoint);
    return this.readEndpoint(endpointName);
  }

  /** Completes a pending create or update: InService with the config it rolls out. */
  private async complete(endpoint: EndpointRecord): Promise<void> {
    if (endpoint.EndpointStatus !== "Creating" && endpoint.EndpointStatus !== "Updating") return;
    const now = this.timestamp();
    const history = endpoint.history.map((entry, index) =>
      index === endpoint.history.length - 1 ? { ...entry, inServiceAt: now } : entry,
    );
    await replaceJsonFile(this.path("endpoint", endpoint.EndpointName), {
      ...endpoint,
      EndpointConfigName: endpoint.pendingEndpointConfigName ?? endpoint.EndpointConfigName,
      EndpointStatus: "InService",
      LastModifiedTime: now,
      pendingEndpointConfigName: null,
      history,
    } satisfies EndpointRecord);
  }

  async endpointExists(endpointName: string): Promise<boolean> {
    return (await this.readEndpoint(endpointName)) !== null;
  }

  /** The endpoint's stored record, without advancing its status; null when there is no such endpoint. */
  async readEndpoint(endpointName: string): Promise<EndpointRecord | null> {
    return (await readJsonIfExists<EndpointRecord>(this.path("endpoint", endpointName))) ?? null;
  }

  /** What the endpoint serves now (without advancing its status); null when there is no such endpoint. */
  async currentDeployment(endpointName: string): Promise<CurrentDeployment | null> {
    const endpoint = await this.readEndpoint(endpointName);
    if (!endpoint) return null;
    const config = await this.describeEndpointConfig(endpoint.EndpointConfigName);
    const modelName = firstModelName(config);
    const model = await this.describeModel(modelName);
    const served = endpoint.history.filter(
      (entry) => entry.endpointConfigName === endpoint.EndpointConfigName,
    );
    return {
      endpointName,
      status: endpoint.EndpointStatus,
      version: served.at(-1)?.version ?? 1,
      endpointConfigName: endpoint.EndpointConfigName,
      modelName,
      modelDataUrl: model.PrimaryContainer.ModelDataUrl ?? null,
      evaluationUri: model.PrimaryContainer.Environment?.["EVALUATION_URI"] ?? null,
      history: endpoint.history,
    };
  }

  private checkName(kind: Kind, name: string): string {
    if (typeof name !== "string" || !SAGEMAKER_NAME.test(name)) {
      throw new SageMakerValidationError(
        `Invalid ${DISPLAY[kind]} name "${String(name)}": use 1-63 letters, digits or hyphens, ` +
          "starting with a letter or digit.",
      );
    }
    return name;
  }

  private path(kind: Kind, name: string): string {
    return join(this.root, DIRECTORY[kind], `${this.checkName(kind, name)}.json`);
  }

  private async create(kind: Kind, name: string, record: unknown): Promise<void> {
    if (!(await createJsonFile(this.path(kind, name), record))) {
      throw new SageMakerValidationError(
        `Cannot create already existing ${DISPLAY[kind]} "${sageMakerArn(kind, name)}": ` +
          "names are unique; choose another name (the execution input can override it).",
      );
    }
  }

  private async read<T>(kind: Kind, name: string): Promise<T> {
    const record = await readJsonIfExists<T>(this.path(kind, name));
    if (record === undefined) {
      throw new SageMakerValidationError(`Could not find ${DISPLAY[kind]} "${sageMakerArn(kind, name)}".`);
    }
    return record;
  }

  private timestamp(): string {
    return this.now().toISOString();
  }
}

function firstModelName(config: EndpointConfigRecord): string {
  const variant = config.ProductionVariants[0];
  if (!variant) {
    throw new SageMakerValidationError(
      `Endpoint configuration "${config.EndpointConfigName}" has no variant.`,
    );
  }
  return variant.ModelName;
}

function describeResponse(endpoint: EndpointRecord, config: EndpointConfigRecord): DescribeEndpointResponse {
  return {
    EndpointName: endpoint.EndpointName,
    EndpointArn: endpoint.EndpointArn,
    EndpointConfigName: endpoint.EndpointConfigName,
    EndpointStatus: endpoint.EndpointStatus,
    CreationTime: endpoint.CreationTime,
    LastModifiedTime: endpoint.LastModifiedTime,
    ProductionVariants: config.ProductionVariants.map((variant) => ({
      VariantName: variant.VariantName,
      CurrentWeight: variant.InitialVariantWeight ?? 1,
      DesiredWeight: variant.InitialVariantWeight ?? 1,
    })),
  };
}

/** The handlers' `EndpointRegistry` port over the local registry (used by quality-gate, champion-model,
 * endpoint-status). */
export function endpointRegistryPort(registry: LocalEndpointRegistry): EndpointRegistry {
  return {
    async describeEndpoint(endpointName: string): Promise<EndpointDescription | null> {
      if (!(await registry.endpointExists(endpointName))) return null;
      const endpoint = await registry.describeEndpoint(endpointName);
      return {
        status: endpoint.EndpointStatus,
        failureReason: endpoint.FailureReason ?? "",
        endpointConfigName: endpoint.EndpointConfigName,
      };
    },
    async describeDeployedModel(endpointName: string): Promise<DeployedModel | null> {
      // Reads without advancing the endpoint's status: only DescribeEndpoint does that.
      const endpoint = await registry.readEndpoint(endpointName);
      if (!endpoint) return null;
      const config = await orNullIfMissing(registry.describeEndpointConfig(endpoint.EndpointConfigName));
      const modelName = config?.ProductionVariants[0]?.ModelName ?? null;
      if (modelName === null) return { modelName: null, evaluationUri: null, modelDataUrl: null };
      const model = await orNullIfMissing(registry.describeModel(modelName));
      return {
        modelName,
        evaluationUri: model?.PrimaryContainer.Environment?.["EVALUATION_URI"] ?? null,
        modelDataUrl: model?.PrimaryContainer.ModelDataUrl ?? null,
      };
    },
  };
}

/** The value, or null when SageMaker says the resource does not exist (or is malformed). */
export async function orNullIfMissing<T>(pending: Promise<T>): Promise<T | null> {
  try {
    return await pending;
  } catch (error) {
    if (error instanceof SageMakerValidationError) return null;
    throw error;
  }
}
