// The evaluate entry point: unpacks model.tar.gz, predicts the test split and writes evaluation.json with
// circular MAE/RMSE (hours) of the model and of the three baselines computed from the same histories,
// and, when given the model the endpoint serves (the champion), its metrics on the same examples: the
// quality gate compares like for like.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { circularErrorMetrics, type ErrorMetrics } from "../core/hours";
import { readExamples } from "../data/examples-io";
import { unpackModel } from "../model/archive";
import { initBackend } from "../model/backend";
import { loadHourModel } from "../model/model-io";
import { predictHours } from "../model/predict";
import { BASELINE_NAMES, type BaselineName } from "../preprocess/baselines";
import type { Example } from "../preprocess/examples";
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
}

/** Metrics of given model predictions and of the baselines stored with each example. */
export function evaluatePredictions(
  examples: readonly Example[],
  modelHours: readonly number[],
): Pick<Evaluation, "model" | "baselines" | "n_test" | "best_baseline" | "improvement_over_best_baseline"> {
  const targets = examples.map((example) => example.target);
  const baselines = Object.fromEntries(
    BASELINE_NAMES.map((name) => [
      name,
      circularErrorMetrics(
        examples.map((example) => example.baselines[name]),
        targets,
      ),
    ]),
  ) as Record<BaselineName, ErrorMetrics>;
  const model = circularErrorMetrics(modelHours, targets);
  const bestBaseline = BASELINE_NAMES.reduce((best, name) =>
    baselines[name].mae < baselines[best].mae ? name : best,
  );
  return {
    model,
    baselines,
    n_test: examples.length,
    best_baseline: bestBaseline,
    improvement_over_best_baseline: 1 - model.mae / baselines[bestBaseline].mae,
  };
}

export interface ChampionEvaluation extends ErrorMetrics {
  model_name: string;
}

export interface EvaluateOptions {
  /** model.tar.gz or a model directory. */
  model: string;
  /** The champion's model.tar.gz or model directory, if the endpoint serves one. */
  champion?: { path: string; modelName: string };
  /** The preprocess output (test.jsonl). */
  data: string;
  output: string;
}

interface ScoredModel {
  hours: number[];
  metadata: Record<string, unknown>;
}

/** Predicted hours of a packed (or unpacked) model on the test examples; the model is disposed after. */
async function predictTest(modelPath: string, test: readonly Example[], data: string): Promise<ScoredModel> {
  const unpacked = await unpackModel(modelPath);
  try {
    const loaded = await loadHourModel(unpacked.dir);
    try {
      const steps = test[0]?.sequence.length;
      if (steps !== loaded.metadata.historyLength) {
        throw new InputError(
          `the test examples of ${data} have ${steps} history steps but the model ${modelPath} was trained on ` +
            `${loaded.metadata.historyLength}: evaluate with the preprocess output the model was trained on`,
        );
      }
      const hours = predictHours(loaded.model, loaded.normalisation, test).map(
        (prediction) => prediction.hour,
      );
      return { hours, metadata: loaded.metadata };
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
  test: readonly Example[],
  data: string,
): Promise<Pick<Evaluation, "champion" | "champion_problem">> {
  try {
    const { hours } = await predictTest(champion.path, test, data);
    const metrics = circularErrorMetrics(
      hours,
      test.map((example) => example.target),
    );
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
  const test = await readExamples(options.data, "test");
  if (test.length === 0) throw new InputError(`zero usable examples in the test split of ${options.data}`);
  const candidate = await predictTest(options.model, test, options.data);
  const days = test.map((example) => example.date).sort();
  // train records its summary (with the cross-validation results, when run) in the model metadata.
  const cv = (candidate.metadata["training"] as Pick<TrainSummary, "crossValidation"> | undefined)
    ?.crossValidation;
  const evaluation: Evaluation = {
    ...evaluatePredictions(test, candidate.hours),
    test_period: { first: days[0] ?? "", last: days[days.length - 1] ?? "" },
    backend,
    ...(options.champion ? await scoreChampion(options.champion, test, options.data) : {}),
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
