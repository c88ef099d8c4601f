// Batch prediction: features → softmax over the hours → the hour of least expected circular error.
import { HOURS_PER_DAY, leastExpectedErrorHour } from "../core/hours";
import type { Features } from "../features/features";
import type { Normalisation } from "../features/normalisation";
import type { HourModel } from "./batch";
import { FeatureBatchSource, sourceProbabilities } from "./feature-batches";

export interface HourPrediction {
  hour: number;
  /** The expected circular error (hours) of `hour` under the predicted distribution. */
  expectedErrorHours: number;
  probabilities: number[];
}

export function decodePredictions(probabilities: Float32Array): HourPrediction[] {
  const predictions: HourPrediction[] = [];
  for (let offset = 0; offset < probabilities.length; offset += HOURS_PER_DAY) {
    const row = Array.from(probabilities.subarray(offset, offset + HOURS_PER_DAY));
    const { hour, expectedError } = leastExpectedErrorHour(row);
    predictions.push({ hour, expectedErrorHours: expectedError, probabilities: row });
  }
  return predictions;
}

export function predictHours(
  model: HourModel,
  normalisation: Normalisation,
  examples: readonly Features[],
  batchSize = 1024,
): HourPrediction[] {
  if (examples.length === 0) return [];
  return decodePredictions(
    sourceProbabilities(model, new FeatureBatchSource(examples, normalisation), batchSize),
  );
}
