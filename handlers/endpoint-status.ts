// endpoint-status: whether the endpoint exists and its status, for the create-or-update Choice and the
// wait loop. A Lambda rather than a direct DescribeEndpoint integration, because a missing endpoint is a
// ValidationException whose message the definition would otherwise have to parse.
import { z } from "zod";
import { sageMakerEndpointRegistry } from "./aws/sagemaker-endpoint-registry";
import type { LogSink } from "./log";
import type { EndpointRegistry } from "./ports";
import { defineHandler, type Handler, once } from "./runtime";
import { endpointNameSchema, executionNameSchema } from "./schemas";

export const endpointStatusEventSchema = z.strictObject({
  executionName: executionNameSchema,
  endpointName: endpointNameSchema,
});
export type EndpointStatusEvent = z.infer<typeof endpointStatusEventSchema>;

export const endpointStatusResultSchema = z.strictObject({
  exists: z.boolean(),
  /** SageMaker's EndpointStatus, or "NotFound". */
  status: z.string().min(1),
  failureReason: z.string(),
  /** The configuration the endpoint runs now ("" when absent): tells a finished update from a rolled-back one. */
  endpointConfigName: z.string(),
});
export type EndpointStatusResult = z.infer<typeof endpointStatusResultSchema>;

export const ENDPOINT_NOT_FOUND_STATUS = "NotFound";

export interface EndpointStatusPorts {
  readonly endpointRegistry: EndpointRegistry;
  readonly logSink?: LogSink;
}

export function createEndpointStatusHandler(ports: EndpointStatusPorts): Handler<EndpointStatusResult> {
  return defineHandler(
    {
      name: "endpoint-status",
      event: endpointStatusEventSchema,
      result: endpointStatusResultSchema,
      async run(event) {
        const endpoint = await ports.endpointRegistry.describeEndpoint(event.endpointName);
        if (endpoint === null)
          return {
            exists: false,
            status: ENDPOINT_NOT_FOUND_STATUS,
            failureReason: "",
            endpointConfigName: "",
          };
        return {
          exists: true,
          status: endpoint.status,
          failureReason: endpoint.failureReason,
          endpointConfigName: endpoint.endpointConfigName,
        };
      },
    },
    ports.logSink,
  );
}

const lambdaHandler = once(() =>
  createEndpointStatusHandler({ endpointRegistry: sageMakerEndpointRegistry() }),
);

/** The Lambda entry point. */
export const handler: Handler<EndpointStatusResult> = (event) => lambdaHandler()(event);
