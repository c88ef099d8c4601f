// quality-gate: reads the candidate's evaluation.json (the candidate, the baselines and, when the endpoint
// served a model at Evaluate time, that champion, all scored on the same test split), checks that the
// endpoint still serves the champion that was scored, and decides deploy or keep (rule in
// gate-decision.ts). A served model that was not scored on this split is never silently passed over. It
// also writes the model package's metadata (contracts/model-package.ts) from its decision and the run's
// facts, so that a cloud package says what a local one says: the champion included.
import { z } from "zod";
import { modelPackageMetadata } from "../contracts/model-package";
import { s3ObjectStore } from "./aws/s3-object-store";
import { sageMakerEndpointRegistry } from "./aws/sagemaker-endpoint-registry";
import { EvaluationNotFound, InvalidEvaluation, InvalidS3Uri, ObjectNotFound } from "./errors";
import { type ChampionState, decideDeployment } from "./gate-decision";
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
  /** Share by which the candidate's MAE must be below the best baseline's. */
  minImprovementOverBaseline: z.number().min(0).max(1),
  /** How many hours the candidate's MAE may exceed the champion's, on the same test split. */
  maxRegressionHours: z.number().nonnegative(),
  /** Deploy whatever the metrics (the execution input's ForceDeploy). */
  force: z.boolean(),
  /** What the model package records besides the decision: the source SQL, the snapshot, the hyperparameters. */
  registry: z.strictObject({
    sqlUri: z.string().min(1),
    dataset: z.strictObject({
      datasetUri: s3ObjectUriSchema,
      sizeBytes: z.int().nonnegative(),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
    }),
    hyperparameters: z.record(z.string(), z.string()),
  }),
});
export type QualityGateEvent = z.infer<typeof qualityGateEventSchema>;

const metricsSchema = z.strictObject({ mae: z.number().nonnegative(), rmse: z.number().nonnegative() });

export const qualityGateResultSchema = z.strictObject({
  deploy: z.boolean(),
  /** Deployed because of ForceDeploy although a check failed. */
  forced: z.boolean(),
  /** The decision and every number, in one sentence. */
  reason: z.string().min(1),
  candidate: metricsSchema,
  bestBaseline: z.strictObject({ name: z.string(), mae: z.number(), rmse: z.number() }),
  /** The champion as scored on the candidate's test split; null when there is none (or it is unscored). */
  champion: z.strictObject({ modelName: z.string(), mae: z.number(), rmse: z.number() }).nullable(),
  nTest: z.int(),
  /** The registered package's CustomerMetadataProperties (strings within SageMaker's limits). */
  registryMetadata: z.record(z.string(), z.string()),
});
export type QualityGateResult = z.infer<typeof qualityGateResultSchema>;

/** The part of evaluation.json the gate reads (training/evaluate/evaluate.ts writes it). */
const evaluationSchema = z.looseObject({
  model: z.looseObject({ mae: z.number().nonnegative(), rmse: z.number().nonnegative() }),
  baselines: z
    .record(z.string(), z.looseObject({ mae: z.number().nonnegative(), rmse: z.number().nonnegative() }))
    .refine((baselines) => Object.keys(baselines).length > 0, "must list at least one baseline"),
  n_test: z.int().positive(),
  champion: z
    .looseObject({
      model_name: z.string().min(1),
      mae: z.number().nonnegative(),
      rmse: z.number().nonnegative(),
    })
    .optional(),
  /** Why the champion given to Evaluate could not be scored. */
  champion_problem: z.string().optional(),
});
export type GateEvaluation = z.infer<typeof evaluationSchema>;

export interface QualityGatePorts {
  readonly objectStore: ObjectStore;
  readonly endpointRegistry: EndpointRegistry;
  readonly logSink?: LogSink;
}

/** Reads and checks an evaluation.json; `EvaluationNotFound` / `InvalidEvaluation` name the file. */
export async function readEvaluation(store: ObjectStore, uri: string): Promise<GateEvaluation> {
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
        `Expected {"model": {"mae": h, "rmse": h}, "baselines": {"<name>": {"mae", "rmse"}}, "n_test": n, ` +
        `"champion"?: {"model_name", "mae", "rmse"}}.`,
    );
  }
  return parsed.data;
}

/** The best baseline (lowest MAE; ties: the first in name order, so the choice is stable). */
export function bestBaseline(evaluation: GateEvaluation): { name: string; mae: number; rmse: number } {
  const [best] = Object.entries(evaluation.baselines).sort(
    ([a, x], [b, y]) => x.mae - y.mae || a.localeCompare(b),
  );
  if (!best) throw new InvalidEvaluation("The evaluation lists no baseline.");
  return { name: best[0], mae: best[1].mae, rmse: best[1].rmse };
}

/**
 * The champion the candidate is compared with: the endpoint's model now, which must be the one the
 * Evaluate job scored (another execution may have deployed since, or the champion could not be scored).
 */
export async function championState(
  registry: EndpointRegistry,
  endpointName: string,
  evaluation: GateEvaluation,
): Promise<ChampionState> {
  const deployed = await registry.describeDeployedModel(endpointName);
  if (deployed === null) return { kind: "none", endpointName };
  const scored = evaluation.champion;
  if (deployed.modelName === null) {
    return {
      kind: "unscored",
      modelName: null,
      problem: "the endpoint's configuration or model no longer exists",
    };
  }
  if (scored === undefined) {
    return {
      kind: "unscored",
      modelName: deployed.modelName,
      problem:
        evaluation.champion_problem ??
        "the evaluation has no champion score: its artifacts could not be found when Evaluate ran",
    };
  }
  if (scored.model_name !== deployed.modelName) {
    return {
      kind: "unscored",
      modelName: deployed.modelName,
      problem: `Evaluate scored ${scored.model_name}, which the endpoint served then; another run has deployed since`,
    };
  }
  return { kind: "scored", model: { modelName: scored.model_name, mae: scored.mae, rmse: scored.rmse } };
}

export function createQualityGateHandler(ports: QualityGatePorts): Handler<QualityGateResult> {
  return defineHandler(
    {
      name: "quality-gate",
      event: qualityGateEventSchema,
      result: qualityGateResultSchema,
      async run(event, logger) {
        const evaluation = await readEvaluation(ports.objectStore, event.evaluationUri);
        const champion = await championState(ports.endpointRegistry, event.endpointName, evaluation);
        const candidate = { mae: evaluation.model.mae, rmse: evaluation.model.rmse };
        const baseline = bestBaseline(evaluation);
        const decision = decideDeployment({
          candidate,
          bestBaseline: baseline,
          nTest: evaluation.n_test,
          champion,
          maxMae: event.maxMae,
          minImprovementOverBaseline: event.minImprovementOverBaseline,
          maxRegressionHours: event.maxRegressionHours,
          force: event.force,
        });
        const scoredChampion = champion.kind === "scored" ? champion.model : null;
        const { dataset } = event.registry;
        const result: QualityGateResult = {
          ...decision,
          candidate,
          bestBaseline: baseline,
          champion: scoredChampion,
          nTest: evaluation.n_test,
          registryMetadata: modelPackageMetadata({
            executionName: event.executionName,
            ...candidate,
            bestBaseline: baseline,
            champion: scoredChampion,
            nTest: evaluation.n_test,
            gate: { deploy: decision.deploy, forced: decision.forced },
            input: null,
            sql: { uri: event.registry.sqlUri, sha256: null },
            dataset: { uri: dataset.datasetUri, sizeBytes: dataset.sizeBytes, sha256: dataset.sha256 },
            hyperparameters: event.registry.hyperparameters,
            backend: null,
          }),
        };
        const { registryMetadata: _metadata, ...decided } = result;
        logger.log("info", "decided", { ...decided, championState: champion.kind });
        return result;
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
