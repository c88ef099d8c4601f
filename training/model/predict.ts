// Batch prediction: features → softmax over the hours → the hour of least expected circular error.
import * as tf from "@tensorflow/tfjs";
import { HOURS_PER_DAY, leastExpectedErrorHour } from "../core/hours";
import type { Features } from "../features/features";
import type { Normalisation } from "../features/normalisation";
import { disposeInputs, type InputTensors, toInputTensors } from "./tensors";

export interface HourPrediction {
  hour: number;
  /** The expected circular error (hours) of `hour` under the predicted distribution. */
  expectedErrorHours: number;
  probabilities: number[];
}

/** The softmax rows of prepared inputs, 24 values per example. */
export function predictProbabilities(
  model: tf.LayersModel,
  inputs: InputTensors,
  batchSize = 1024,
): Float32Array {
  const output = model.predict([inputs.sequence, inputs.current], { batchSize }) as tf.Tensor;
  const values = output.dataSync() as Float32Array;
  output.dispose();
  return values;
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
  model: tf.LayersModel,
  normalisation: Normalisation,
  examples: readonly Features[],
  batchSize = 1024,
): HourPrediction[] {
  const predictions: HourPrediction[] = [];
  for (let start = 0; start < examples.length; start += batchSize) {
    const inputs = toInputTensors(examples.slice(start, start + batchSize), normalisation);
    predictions.push(...decodePredictions(predictProbabilities(model, inputs, batchSize)));
    disposeInputs(inputs);
  }
  return predictions;
}
