// Rolling-origin cross-validation over the training period: the period is cut into k+1 consecutive blocks
// of days; fold i trains on blocks 0..i and is validated on block i+1 (always the period after it).
import { circularErrorMetrics } from "../core/hours";
import { fitNormalisation } from "../features/normalisation";
import type { Hyperparameters } from "../../contracts/hyperparameters";
import { METRIC_KEYS } from "../../contracts/metrics";
import { FeatureBatchSource } from "../model/feature-batches";
import { predictHours } from "../model/predict";
import type { Example } from "../preprocess/examples";
import { InputError } from "../runtime/errors";
import { log } from "../runtime/log";
import { fitModel, round } from "./fit";

export interface Fold<T> {
  train: T[];
  validation: T[];
}

/** The folds, by target day; throws when a fold would be empty (too few days for k folds). */
export function rollingOriginFolds<T extends { day: number }>(items: readonly T[], k: number): Fold<T>[] {
  const days = items.map((item) => item.day);
  const first = Math.min(...days);
  const span = Math.max(...days) - first + 1;
  const block = (day: number) => Math.min(k, Math.floor(((day - first) * (k + 1)) / span));
  const folds: Fold<T>[] = Array.from({ length: k }, () => ({ train: [], validation: [] }));
  for (const item of items) {
    const b = block(item.day);
    folds.forEach((fold, i) => {
      if (b <= i) fold.train.push(item);
      else if (b === i + 1) fold.validation.push(item);
    });
  }
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
  folds: { fold: number; trainExamples: number; validationExamples: number; mae: number; rmse: number }[];
  meanMae: number;
}

export async function crossValidate(
  train: readonly Example[],
  hp: Hyperparameters,
): Promise<CrossValidationResult> {
  const folds = rollingOriginFolds(train, hp.cvFolds);
  const results: CrossValidationResult["folds"] = [];
  for (const [index, fold] of folds.entries()) {
    // Each fold fits its own normalisation on its own training part: no statistics from its future.
    const normalisation = fitNormalisation(fold.train);
    const fitted = await fitModel(
      new FeatureBatchSource(fold.train, normalisation),
      new FeatureBatchSource(fold.validation, normalisation),
      hp,
      { cv_fold: index + 1 },
    );
    const predicted = predictHours(fitted.model, normalisation, fold.validation).map((p) => p.hour);
    fitted.model.dispose();
    const metrics = circularErrorMetrics(
      predicted,
      fold.validation.map((example) => example.target),
    );
    results.push({
      fold: index + 1,
      trainExamples: fold.train.length,
      validationExamples: fold.validation.length,
      ...metrics,
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
