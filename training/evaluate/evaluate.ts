// The evaluate entry point: unpacks model.tar.gz, predicts the test split and writes evaluation.json with
// circular MAE/RMSE (hours) of the model and of the three baselines computed from the same histories.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { formatDay } from "../core/dates";
import { circularErrorMetrics, type ErrorMetrics } from "../core/hours";
import { WindowBatchSource } from "../data/batch-source";
import { readDataset } from "../data/dataset";
import { unpackModel } from "../model/archive";
import { initBackend } from "../model/backend";
import type { InputBatch } from "../model/batch";
import { loadModelDir } from "../model/model-io";
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
  cross_validation?: { folds: { fold: number; mae: number; rmse: number }[]; mean_mae: number };
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

/** The layers model's decoded hours for a time-major batch (the model takes [B, T, F]). */
function predictBatchHours(model: tf.LayersModel, batch: InputBatch): number[] {
  const { size, steps, stepWidth, currentWidth } = batch;
  const output = tf.tidy(() => {
    const sequence = tf
      .tensor3d(batch.sequence.subarray(0, steps * size * stepWidth), [steps, size, stepWidth])
      .transpose([1, 0, 2]);
    const current = tf.tensor2d(batch.current.subarray(0, size * currentWidth), [size, currentWidth]);
    return model.predict([sequence, current]) as tf.Tensor;
  });
  const probabilities = output.dataSync() as Float32Array;
  output.dispose();
  return decodePredictions(probabilities).map((prediction) => prediction.hour);
}

const PREDICT_BATCH = 1024;

export interface EvaluateOptions {
  /** model.tar.gz or a model directory. */
  model: string;
  /** The preprocess output (dataset.json and its files). */
  data: string;
  output: string;
}

export async function evaluate(options: EvaluateOptions): Promise<Evaluation> {
  const backend = await initBackend();
  const dataset = readDataset(options.data, ["test"]);
  const index = dataset.splits.test;
  if (index.rows.length === 0)
    throw new InputError(`zero usable examples in the test split of ${options.data}`);
  const unpacked = await unpackModel(options.model);
  try {
    const loaded = await loadModelDir(unpacked.dir);
    if (dataset.historyLength !== loaded.metadata.historyLength) {
      loaded.model.dispose();
      throw new InputError(
        `the test examples have ${dataset.historyLength} history steps but the model was trained on ` +
          `${loaded.metadata.historyLength}: evaluate with the preprocess output the model was trained on`,
      );
    }
    const source = new WindowBatchSource(dataset.visits, index, dataset.historyLength, loaded.normalisation);
    const predicted: number[] = [];
    for (const batch of source.batches({ batchSize: PREDICT_BATCH, labelSigmaHours: 0 })) {
      for (const hour of predictBatchHours(loaded.model, batch)) predicted.push(hour);
    }
    loaded.model.dispose();
    const baselines = Object.fromEntries(
      BASELINE_NAMES.map((name, k) => [name, index.baselines.filter((_, i) => i % 3 === k)]),
    ) as Record<BaselineName, Uint8Array>;
    let firstDay = Number.POSITIVE_INFINITY;
    let lastDay = Number.NEGATIVE_INFINITY;
    for (const day of source.targetDays()) {
      firstDay = Math.min(firstDay, day);
      lastDay = Math.max(lastDay, day);
    }
    // train records its summary (with the cross-validation results, when run) in the model metadata.
    const cv = (loaded.metadata["training"] as Pick<TrainSummary, "crossValidation"> | undefined)
      ?.crossValidation;
    const evaluation: Evaluation = {
      ...evaluatePredictions({ targets: index.targets, baselines }, predicted),
      test_period: { first: formatDay(firstDay), last: formatDay(lastDay) },
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
