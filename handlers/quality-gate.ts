// quality-gate: reads the candidate's evaluation.json and the evaluation of the model the endpoint serves
// (endpoint → config → model → EVALUATION_URI), and decides deploy or keep (rule in gate-decision.ts).
// If the deployed model's evaluation cannot be read, the gate decides on the maximum MAE only and says so.
import { z } from "zod";
import { s3ObjectStore } from "./aws/s3-object-store";
import { sageMakerEndpointRegistry } from "./aws/sagemaker-endpoint-registry";
import { EvaluationNotFound, InvalidEvaluation, InvalidS3Uri, ObjectNotFound } from "./errors";
import { decideDeployment, type DeployedState, type Metrics } from "./gate-decision";
import type { LogSink } from "./log";
import type { EndpointRegistry, ObjectStore } from "./ports";
import { defineHandler, type Handler, once } from "./runtime";
import { describeIssues, endpointNameSchema, executionNameSchema, s3ObjectUriSchema } from "./schemas";

export const qualityGateEventSchema = z.strictObject({
  executionName: executionNameSchema,
  /** The candidate's evaluation.json. */
  evaluationUri: s3ObjectUriSchema,
  endpointName: endpointNameSchema,
  /** Maximum MAE in hours a model may have to be deployed. */
  maxMae: z.number().positive(),
  /** How many hours the candidate's MAE may exceed the deployed model's. */
  maxRegressionHours: z.number().nonnegative(),
  /** Deploy whatever the metrics (the execution input's ForceDeploy). */
  force: z.boolean(),
});
export type QualityGateEvent = z.infer<typeof qualityGateEventSchema>;

const metricsSchema = z.strictObject({ mae: z.number().nonnegative(), rmse: z.number().nonnegative() });

export const qualityGateResultSchema = z.strictObject({
  deploy: z.boolean(),
  reason: z.string().min(1),
  candidate: metricsSchema,
  deployed: z.strictObject({ modelName: z.string(), mae: z.number(), rmse: z.number() }).nullable(),
});
export type QualityGateResult = z.infer<typeof qualityGateResultSchema>;

/** The part of evaluation.json the gate reads; the rest (baselines, n_test, ...) is passed over. */
const evaluationSchema = z.looseObject({
  model: z.looseObject({ mae: z.number().nonnegative(), rmse: z.number().nonnegative() }),
});

export interface QualityGatePorts {
  readonly objectStore: ObjectStore;
  readonly endpointRegistry: EndpointRegistry;
  readonly logSink?: LogSink;
}

/** Reads an evaluation.json's model metrics; `EvaluationNotFound` / `InvalidEvaluation` name the file. */
export async function readEvaluation(store: ObjectStore, uri: string): Promise<Metrics> {
  let text: string;
  try {
    text = await store.getText(uri);
  } catch (error) {
    if (error instanceof ObjectNotFound || error instanceof InvalidS3Uri) {
      throw new EvaluationNotFound(`The evaluation ${uri} cannot be read (${error.message}).`);
    }
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidEvaluation(`The evaluation ${uri} is not JSON (${String(error)}).`);
  }
  const parsed = evaluationSchema.safeParse(json);
  if (!parsed.success) {
    throw new InvalidEvaluation(
      `The evaluation ${uri} is invalid: ${describeIssues("evaluation", parsed.error)}. ` +
        `Expected {"model": {"mae": h, "rmse": h}, ...}.`,
    );
  }
  return { mae: parsed.data.model.mae, rmse: parsed.data.model.rmse };
}

async function deployedState(ports: QualityGatePorts, endpointName: string): Promise<DeployedState> {
  const deployed = await ports.endpointRegistry.describeDeployedModel(endpointName);
  if (deployed === null) return { kind: "none" };
  const { modelName, evaluationUri } = deployed;
  if (modelName === null) {
    return { kind: "unreadable", modelName, problem: "the endpoint's config or its model no longer exists" };
  }
  if (evaluationUri === null) {
    return { kind: "unreadable", modelName, problem: "the model has no EVALUATION_URI environment variable" };
  }
  try {
    return {
      kind: "evaluated",
      model: { modelName, ...(await readEvaluation(ports.objectStore, evaluationUri)) },
    };
  } catch (error) {
    if (error instanceof EvaluationNotFound || error instanceof InvalidEvaluation) {
      return { kind: "unreadable", modelName, problem: error.message };
    }
    throw error;
  }
}

export function createQualityGateHandler(ports: QualityGatePorts): Handler<QualityGateResult> {
  return defineHandler(
    {
      name: "quality-gate",
      event: qualityGateEventSchema,
      result: qualityGateResultSchema,
      async run(event, logger) {
        const candidate = await readEvaluation(ports.objectStore, event.evaluationUri);
        const deployed = await deployedState(ports, event.endpointName);
        const decision = decideDeployment({
          candidate,
          deployed,
          maxMae: event.maxMae,
          maxRegressionHours: event.maxRegressionHours,
          force: event.force,
        });
        logger.log("info", "decided", { ...decision, deployedState: deployed.kind });
        return {
          ...decision,
          candidate,
          deployed: deployed.kind === "evaluated" ? deployed.model : null,
        };
      },
    },
    ports.logSink,
  );
}

const lambdaHandler = once(() =>
  createQualityGateHandler({ objectStore: s3ObjectStore(), endpointRegistry: sageMakerEndpointRegistry() }),
);

/** The Lambda entry point. */
export const handler: Handler<QualityGateResult> = (event) => lambdaHandler()(event);
