// EndpointRegistry on SageMaker. A missing endpoint, endpoint config or model is a ValidationException
// whose message says "Could not find …": that test lives here, once, instead of in the state machine.
import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import type { DeployedModel, EndpointDescription, EndpointRegistry } from "../ports";
import { once } from "../runtime";

/** The environment variable of a model that holds its evaluation.json's URI (set by CreateModel). */
export const EVALUATION_URI_ENV = "EVALUATION_URI";

function isNotFound(error: unknown): boolean {
  return (
    error instanceof Error && error.name === "ValidationException" && /could not find/i.test(error.message)
  );
}

/** Runs a Describe call, mapping "Could not find" to null; every other error propagates. */
async function orNullIfMissing<T>(describe: () => Promise<T>): Promise<T | null> {
  try {
    return await describe();
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

export class SageMakerEndpointRegistry implements EndpointRegistry {
  constructor(private readonly client: SageMakerClient) {}

  async describeEndpoint(endpointName: string): Promise<EndpointDescription | null> {
    const endpoint = await orNullIfMissing(() =>
      this.client.send(new DescribeEndpointCommand({ EndpointName: endpointName })),
    );
    if (endpoint === null) return null;
    return {
      status: endpoint.EndpointStatus ?? "Unknown",
      failureReason: endpoint.FailureReason ?? "",
      endpointConfigName: endpoint.EndpointConfigName ?? "",
    };
  }

  async describeDeployedModel(endpointName: string): Promise<DeployedModel | null> {
    const endpoint = await orNullIfMissing(() =>
      this.client.send(new DescribeEndpointCommand({ EndpointName: endpointName })),
    );
    if (endpoint === null) return null;
    const configName = endpoint.EndpointConfigName;
    const config =
      configName === undefined
        ? null
        : await orNullIfMissing(() =>
            this.client.send(new DescribeEndpointConfigCommand({ EndpointConfigName: configName })),
          );
    const modelName = config?.ProductionVariants?.[0]?.ModelName ?? null;
    if (modelName === null) return { modelName: null, evaluationUri: null, modelDataUrl: null };
    const model = await orNullIfMissing(() =>
      this.client.send(new DescribeModelCommand({ ModelName: modelName })),
    );
    const container = model?.PrimaryContainer ?? model?.Containers?.[0];
    return {
      modelName,
      evaluationUri: container?.Environment?.[EVALUATION_URI_ENV] ?? null,
      modelDataUrl: container?.ModelDataUrl ?? null,
    };
  }
}

/** The container's SageMaker registry: one client per container, region from AWS_REGION. */
export const sageMakerEndpointRegistry = once(
  () => new SageMakerEndpointRegistry(new SageMakerClient({ region: process.env.AWS_REGION })),
);
