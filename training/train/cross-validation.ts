// Rolling-origin cross-validation over the training period: the period is cut into k+1 consecutive blocks
// of days; fold i trains on blocks 0..i and is validated on block i+1 (always the period after it).
// Folds are subsets of the train split's example index: every fold's batches are assembled from the same
// per-visit matrix, so cross-validation costs no more memory than one fit.
import { circularErrorMetrics } from "../core/hours";
import { subsetIndex, WindowBatchSource } from "../data/batch-source";
import type { SplitIndex } from "../data/dataset";
import { VISIT_WIDTH } from "../features/features";
import { fitWindowNormalisation } from "../features/normalisation";
import type { VisitMatrix } from "../features/window-writer";
import type { Hyperparameters } from "../../contracts/hyperparameters";
import { METRIC_KEYS } from "../../contracts/metrics";
import { sourceProbabilities } from "../model/feature-batches";
import { decodePredictions } from "../model/predict";
import { InputError } from "../runtime/errors";
import { log } from "../runtime/log";
import { type EpochResult, type TrainingOptions, fitModel, round } from "./fit";

/** Positions (into the examples the folds were cut from) of one fold's training and validation part. */
export interface Fold {
  train: Uint32Array;
  validation: Uint32Array;
}

/** The folds of examples with the given target days; throws when a fold would be empty. */
export function rollingOriginFolds(days: ArrayLike<number>, k: number): Fold[] {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < days.length; i++) {
    first = Math.min(first, days[i]!);
    last = Math.max(last, days[i]!);
  }
  const span = last - first + 1;
  const blocks = Uint8Array.from({ length: days.length }, (_, i) =>
    Math.min(k, Math.floor(((days[i]! - first) * (k + 1)) / span)),
  );
  const positions = (keep: (block: number) => boolean) => {
    const selected: number[] = [];
    blocks.forEach((block, i) => {
      if (keep(block)) selected.push(i);
    });
    return Uint32Array.from(selected);
  };
  const folds = Array.from({ length: k }, (_, i) => ({
    train: positions((block) => block <= i),
    validation: positions((block) => block === i + 1),
  }));
  folds.forEach((fold, i) => {
    if (fold.train.length === 0 || fold.validation.length === 0) {
      throw new InputError(
        `cross-validation fold ${i + 1} of ${k} is empty: lower cv_folds or supply more days`,
      );
    }
  });
  return folds;
}

export interface CrossValidationResult {
  folds: {
    fold: number;
    trainExamples: number;
    validationExamples: number;
    mae: number;
    rmse: number;
    /** The fold's learning curve (the run report draws one per fold). */
    epochs: EpochResult[];
  }[];
  meanMae: number;
}

export async function crossValidate(
  visits: VisitMatrix,
  train: SplitIndex,
  historyLength: number,
  hp: Hyperparameters,
  options: TrainingOptions = { threads: 1 },
): Promise<CrossValidationResult> {
  const targetDays = Int32Array.from(train.rows, (row) => visits.days[row]!);
  const folds = rollingOriginFolds(targetDays, hp.cvFolds);
  const readVisits = (start: number, count: number) =>
    visits.features.subarray(start * VISIT_WIDTH, (start + count) * VISIT_WIDTH);
  const results: CrossValidationResult["folds"] = [];
  for (const [index, fold] of folds.entries()) {
    const foldTrain = subsetIndex(train, fold.train);
    const foldValidation = subsetIndex(train, fold.validation);
    // Each fold fits its own normalisation on its own training part: no statistics from its future.
    const normalisation = fitWindowNormalisation(readVisits, visits.days, foldTrain, historyLength);
    const validation = new WindowBatchSource(visits, foldValidation, historyLength, normalisation);
    const fitted = await fitModel(
      new WindowBatchSource(visits, foldTrain, historyLength, normalisation),
      validation,
      hp,
      { cv_fold: index + 1 },
      options,
    );
    const probabilities = sourceProbabilities(fitted.model, validation);
    fitted.model.dispose();
    const predicted = decodePredictions(probabilities).map((prediction) => prediction.hour);
    const metrics = circularErrorMetrics(predicted, Array.from(foldValidation.targets));
    results.push({
      fold: index + 1,
      trainExamples: fold.train.length,
      validationExamples: fold.validation.length,
      ...metrics,
      epochs: fitted.epochs,
    });
    log("info", "cross-validation fold", {
      cv_fold: index + 1,
      [METRIC_KEYS.cvFoldMae.key]: round(metrics.mae),
      rmse_hours: round(metrics.rmse),
    });
  }
  const meanMae = results.reduce((sum, fold) => sum + fold.mae, 0) / results.length;
  log("info", "cross-validation", { folds: results.length, [METRIC_KEYS.cvMeanMae.key]: round(meanMae) });
  return { folds: results, meanMae };
}
