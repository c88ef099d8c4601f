// The evaluate entry point: unpacks model.tar.gz, predicts the test split and writes evaluation.json with
// circular MAE/RMSE (hours) of the model and of the three baselines computed from the same histories,
// and, when given the model the endpoint serves (the champion), its metrics on the same examples: the
// quality gate compares like for like.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatDay } from "../core/dates";
import { circularErrorMetrics, type ErrorMetrics } from "../core/hours";
import { WindowBatchSource } from "../data/batch-source";
import { type Dataset, readDataset } from "../data/dataset";
import { errorBreakdown, type ErrorBreakdown } from "./breakdown";
import { unpackModel } from "../model/archive";
import { initBackend } from "../model/backend";
import { loadHourModel } from "../model/model-io";
import { decodePredictions } from "../model/predict";
import { BASELINE_NAMES, type BaselineName } from "../preprocess/baselines";
import { InputError } from "../runtime/errors";
import type { TrainSummary } from "../train/train";
import { log } from "../runtime/log";

export const EVALUATION_FILE = "evaluation.json";

export interface Evaluation {
  model: ErrorMetrics;
  baselines: Record<BaselineName, ErrorMetrics>;
  n_test: number;
  best_baseline: BaselineName;
  /** 1 - model MAE / best baseline MAE: 0.15 means 15% lower error than the best baseline. */
  improvement_over_best_baseline: number;
  test_period: { first: string; last: string };
  backend: string;
  /** The endpoint's model at Evaluate time, scored on the same test examples. */
  champion?: ChampionEvaluation;
  /** Why a champion was given but could not be scored (the gate then refuses to pass it over). */
  champion_problem?: string;
  cross_validation?: { folds: { fold: number; mae: number; rmse: number }[]; mean_mae: number };
  /** The model's and the best baseline's error by actual hour and by weekday (the run report's charts). */
  error_by_hour?: ErrorBreakdown["error_by_hour"];
  error_by_weekday?: ErrorBreakdown["error_by_weekday"];
}

/** The test examples' targets and the baselines' predictions for them, in the same order. */
export interface TestTargets {
  targets: ArrayLike<number>;
  baselines: Record<BaselineName, ArrayLike<number>>;
}

/** Metrics of given model predictions and of the baselines stored with each example. */
export function evaluatePredictions(
  test: TestTargets,
  modelHours: readonly number[],
): Pick<Evaluation, "model" | "baselines" | "n_test" | "best_baseline" | "improvement_over_best_baseline"> {
  const targets = Array.from(test.targets);
  const baselines = Object.fromEntries(
    BASELINE_NAMES.map((name) => [name, circularErrorMetrics(Array.from(test.baselines[name]), targets)]),
  ) as Record<BaselineName, ErrorMetrics>;
  const model = circularErrorMetrics(modelHours, targets);
  const bestBaseline = BASELINE_NAMES.reduce((best, name) =>
    baselines[name].mae < baselines[best].mae ? name : best,
  );
  return {
    model,
    baselines,
    n_test: targets.length,
    best_baseline: bestBaseline,
    improvement_over_best_baseline: 1 - model.mae / baselines[bestBaseline].mae,
  };
}

const PREDICT_BATCH = 1024;

export interface ChampionEvaluation extends ErrorMetrics {
  model_name: string;
}

export interface EvaluateOptions {
  /** model.tar.gz or a model directory. */
  model: string;
  /** The champion's model.tar.gz or model directory, if the endpoint serves one. */
  champion?: { path: string; modelName: string };
  /** The preprocess output (dataset.json and its files). */
  data: string;
  output: string;
}

interface ScoredModel {
  hours: number[];
  metadata: Record<string, unknown>;
  /** Target days of the test examples, in the same order. */
  targetDays: Int32Array;
}

/** Predicted hours of a packed (or unpacked) model on the test split, streamed in batches; disposed after. */
async function predictTest(modelPath: string, dataset: Dataset, data: string): Promise<ScoredModel> {
  const unpacked = await unpackModel(modelPath);
  try {
    const loaded = await loadHourModel(unpacked.dir);
    try {
      if (dataset.historyLength !== loaded.metadata.historyLength) {
        throw new InputError(
          `the test examples of ${data} have ${dataset.historyLength} history steps but the model ${modelPath} ` +
            `was trained on ${loaded.metadata.historyLength}: evaluate with the preprocess output the model was trained on`,
        );
      }
      const source = new WindowBatchSource(
        dataset.visits,
        dataset.splits.test,
        dataset.historyLength,
        loaded.normalisation,
      );
      const hours: number[] = [];
      for (const batch of source.batches({ batchSize: PREDICT_BATCH, labelSigmaHours: 0 })) {
        for (const prediction of decodePredictions(loaded.model.predictProbabilities(batch))) {
          hours.push(prediction.hour);
        }
      }
      return { hours, metadata: loaded.metadata, targetDays: source.targetDays() };
    } finally {
      loaded.model.dispose();
    }
  } finally {
    unpacked.cleanup();
  }
}

/**
 * The champion's metrics on the same examples, or why it could not be scored (a model trained on
 * another history length, say): recorded rather than thrown, since the candidate's evaluation stands.
 */
async function scoreChampion(
  champion: NonNullable<EvaluateOptions["champion"]>,
  dataset: Dataset,
  data: string,
): Promise<Pick<Evaluation, "champion" | "champion_problem">> {
  try {
    const { hours } = await predictTest(champion.path, dataset, data);
    const metrics = circularErrorMetrics(hours, Array.from(dataset.splits.test.targets));
    return { champion: { model_name: champion.modelName, ...metrics } };
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const problem = `the champion ${champion.modelName} could not be scored: ${error.message}`;
    log("warn", "champion not scored", { problem });
    return { champion_problem: problem };
  }
}

export async function evaluate(options: EvaluateOptions): Promise<Evaluation> {
  const backend = await initBackend();
  const dataset = readDataset(options.data, ["test"]);
  const index = dataset.splits.test;
  if (index.rows.length === 0)
    throw new InputError(`zero usable examples in the test split of ${options.data}`);
  const candidate = await predictTest(options.model, dataset, options.data);
  const baselines = Object.fromEntries(
    BASELINE_NAMES.map((name, k) => [name, index.baselines.filter((_, i) => i % 3 === k)]),
  ) as Record<BaselineName, Uint8Array>;
  let firstDay = Number.POSITIVE_INFINITY;
  let lastDay = Number.NEGATIVE_INFINITY;
  for (const day of candidate.targetDays) {
    firstDay = Math.min(firstDay, day);
    lastDay = Math.max(lastDay, day);
  }
  // train records its summary (with the cross-validation results, when run) in the model metadata.
  const cv = (candidate.metadata["training"] as Pick<TrainSummary, "crossValidation"> | undefined)
    ?.crossValidation;
  const metrics = evaluatePredictions({ targets: index.targets, baselines }, candidate.hours);
  const evaluation: Evaluation = {
    ...metrics,
    ...errorBreakdown(
      { targets: index.targets, days: candidate.targetDays, baseline: baselines[metrics.best_baseline] },
      candidate.hours,
    ),
    test_period: { first: formatDay(firstDay), last: formatDay(lastDay) },
    backend,
    ...(options.champion ? await scoreChampion(options.champion, dataset, options.data) : {}),
    ...(cv
      ? {
          cross_validation: {
            folds: cv.folds.map(({ fold, mae, rmse }) => ({ fold, mae, rmse })),
            mean_mae: cv.meanMae,
          },
        }
      : {}),
  };
  mkdirSync(options.output, { recursive: true });
  writeFileSync(join(options.output, EVALUATION_FILE), JSON.stringify(evaluation, null, 2));
  for (const row of evaluationTable(evaluation)) log("info", "evaluation", row);
  log("info", "model vs best baseline", {
    best_baseline: evaluation.best_baseline,
    improvement_over_best_baseline: Number(evaluation.improvement_over_best_baseline.toFixed(4)),
    n_test: evaluation.n_test,
  });
  return evaluation;
}

/**
 * The champion to score: the path when it holds a model; else none (the endpoint serves nothing), unless
 * the path was given explicitly (`--champion`), which must exist.
 */
export function championOption(
  path: string,
  modelName: string | undefined,
  explicit: boolean,
): EvaluateOptions["champion"] | undefined {
  if (!existsSync(path)) {
    if (explicit)
      throw new InputError(`--champion ${path} does not exist: give a model.tar.gz or model directory`);
    return undefined;
  }
  return { path, modelName: modelName?.trim() || "champion" };
}

/** One row per predictor (model first), for logs and the printed table. */
export function evaluationTable(evaluation: Evaluation): { predictor: string; mae: number; rmse: number }[] {
  const round = (value: number) => Number(value.toFixed(3));
  return [
    { predictor: "model", mae: round(evaluation.model.mae), rmse: round(evaluation.model.rmse) },
    ...(evaluation.champion
      ? [
          {
            predictor: `champion ${evaluation.champion.model_name}`,
            mae: round(evaluation.champion.mae),
            rmse: round(evaluation.champion.rmse),
          },
        ]
      : []),
    ...BASELINE_NAMES.map((name) => ({
      predictor: name,
      mae: round(evaluation.baselines[name].mae),
      rmse: round(evaluation.baselines[name].rmse),
    })),
  ];
}
