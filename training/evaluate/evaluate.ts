// The evaluate entry point: unpacks model.tar.gz, predicts the test split and writes evaluation.json with
// circular MAE/RMSE (hours) of the model and of the three baselines computed from the same histories.
import { mkdirSync, writeFileSync } from "node:fs";
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

export interface EvaluateOptions {
  /** model.tar.gz or a model directory. */
  model: string;
  /** The preprocess output (test.jsonl). */
  data: string;
  output: string;
}

export async function evaluate(options: EvaluateOptions): Promise<Evaluation> {
  const backend = await initBackend();
  const test = await readExamples(options.data, "test");
  if (test.length === 0) throw new InputError(`zero usable examples in the test split of ${options.data}`);
  const unpacked = await unpackModel(options.model);
  try {
    const loaded = await loadHourModel(unpacked.dir);
    const steps = test[0]?.sequence.length;
    if (steps !== loaded.metadata.historyLength) {
      loaded.model.dispose();
      throw new InputError(
        `the test examples have ${steps} history steps but the model was trained on ` +
          `${loaded.metadata.historyLength}: evaluate with the preprocess output the model was trained on`,
      );
    }
    const predicted = predictHours(loaded.model, loaded.normalisation, test).map(
      (prediction) => prediction.hour,
    );
    loaded.model.dispose();
    const days = test.map((example) => example.date).sort();
    // train records its summary (with the cross-validation results, when run) in the model metadata.
    const cv = (loaded.metadata["training"] as Pick<TrainSummary, "crossValidation"> | undefined)
      ?.crossValidation;
    const evaluation: Evaluation = {
      ...evaluatePredictions(test, predicted),
      test_period: { first: days[0] ?? "", last: days[days.length - 1] ?? "" },
      backend,
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
  } finally {
    unpacked.cleanup();
  }
}

/** One row per predictor (model first), for logs and the printed table. */
export function evaluationTable(evaluation: Evaluation): { predictor: string; mae: number; rmse: number }[] {
  const round = (value: number) => Number(value.toFixed(3));
  return [
    { predictor: "model", mae: round(evaluation.model.mae), rmse: round(evaluation.model.rmse) },
    ...BASELINE_NAMES.map((name) => ({
      predictor: name,
      mae: round(evaluation.baselines[name].mae),
      rmse: round(evaluation.baselines[name].rmse),
    })),
  ];
}
