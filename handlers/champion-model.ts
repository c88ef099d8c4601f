// champion-model: the model the endpoint serves now (the champion) and its artifacts, so that the
// Evaluate job scores it on the candidate's test split beside the candidate (endpoint → config → model →
// ModelDataUrl). A Lambda rather than direct Describe* integrations, for the same reason as
// endpoint-status: a missing endpoint is a ValidationException whose message would need parsing.
import { z } from "zod";
import { sageMakerEndpointRegistry } from "./aws/sagemaker-endpoint-registry";
import type { LogSink } from "./log";
import type { EndpointRegistry } from "./ports";
import { defineHandler, type Handler, once } from "./runtime";
import { endpointNameSchema, executionNameSchema } from "./schemas";

export const championModelEventSchema = z.strictObject({
  executionName: executionNameSchema,
  endpointName: endpointNameSchema,
});
export type ChampionModelEvent = z.infer<typeof championModelEventSchema>;

export const championModelResultSchema = z.strictObject({
  /** A model is served and its artifacts are known: Evaluate scores it. */
  found: z.boolean(),
  /** The served model's name ("" when the endpoint does not exist or serves nothing readable). */
  modelName: z.string(),
  /** Its model.tar.gz ("" when not found). */
  modelDataUrl: z.string(),
  /** Why there is no champion to score, or which one is scored. */
  reason: z.string().min(1),
});
export type ChampionModelResult = z.infer<typeof championModelResultSchema>;

export interface ChampionModelPorts {
  readonly endpointRegistry: EndpointRegistry;
  readonly logSink?: LogSink;
}

export async function findChampion(
  registry: EndpointRegistry,
  endpointName: string,
): Promise<ChampionModelResult> {
  const deployed = await registry.describeDeployedModel(endpointName);
  if (deployed === null) {
    return {
      found: false,
      modelName: "",
      modelDataUrl: "",
      reason: `endpoint ${endpointName} does not exist: no champion`,
    };
  }
  if (deployed.modelName === null) {
    return {
      found: false,
      modelName: "",
      modelDataUrl: "",
      reason: `endpoint ${endpointName} exists but its endpoint configuration or model no longer does`,
    };
  }
  if (deployed.modelDataUrl === null) {
    return {
      found: false,
      modelName: deployed.modelName,
      modelDataUrl: "",
      reason: `the champion ${deployed.modelName} has no ModelDataUrl (or no longer exists): it cannot be scored`,
    };
  }
  return {
    found: true,
    modelName: deployed.modelName,
    modelDataUrl: deployed.modelDataUrl,
    reason: `endpoint ${endpointName} serves ${deployed.modelName}: Evaluate scores it on the same test split`,
  };
}

export function createChampionModelHandler(ports: ChampionModelPorts): Handler<ChampionModelResult> {
  return defineHandler(
    {
      name: "champion-model",
      event: championModelEventSchema,
      result: championModelResultSchema,
      async run(event, logger) {
        const champion = await findChampion(ports.endpointRegistry, event.endpointName);
        logger.log("info", "champion", champion);
        return champion;
      },
    },
    ports.logSink,
  );
}

const lambdaHandler = once(() =>
  createChampionModelHandler({ endpointRegistry: sageMakerEndpointRegistry() }),
);

/** The Lambda entry point. */
export const handler: Handler<ChampionModelResult> = (event) => lambdaHandler()(event);
