// An EndpointRegistry in memory: the reference fake of the port for tests (the local runner adapts its
// own file registry to the same interface).
import type { DeployedModel, EndpointDescription, EndpointRegistry } from "../ports";

export interface InMemoryEndpoint extends EndpointDescription {
  readonly deployed: DeployedModel;
}

export class InMemoryEndpointRegistry implements EndpointRegistry {
  private readonly endpoints = new Map<string, InMemoryEndpoint>();

  /** Creates or replaces an endpoint. */
  put(endpointName: string, endpoint: InMemoryEndpoint): this {
    this.endpoints.set(endpointName, endpoint);
    return this;
  }

  describeEndpoint(endpointName: string): Promise<EndpointDescription | null> {
    const endpoint = this.endpoints.get(endpointName);
    return Promise.resolve(
      endpoint === undefined
        ? null
        : {
            status: endpoint.status,
            failureReason: endpoint.failureReason,
            endpointConfigName: endpoint.endpointConfigName,
          },
    );
  }

  describeDeployedModel(endpointName: string): Promise<DeployedModel | null> {
    return Promise.resolve(this.endpoints.get(endpointName)?.deployed ?? null);
  }
}
