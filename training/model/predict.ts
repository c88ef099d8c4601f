// Batch prediction: features → softmax over the hours → the hour of least expected circular error.
import * as tf from "@tensorflow/tfjs";
import { HOURS_PER_DAY, leastExpectedErrorHour } from "../core/hours";
import type { Features } from "../features/features";
import type { Normalisation } from "../features/normalisation";
import { disposeInputs, toInputTensors } from "./tensors";

export interface HourPrediction {
  hour: number;
  /** The expected circular error (hours) of `hour` under the predicted distribution. */
  expectedErrorHours: number;
  probabilities: number[];
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
    const output = model.predict([inputs.sequence, inputs.current]) as tf.Tensor;
    const values = output.dataSync();
    output.dispose();
    disposeInputs(inputs);
    for (let offset = 0; offset < values.length; offset += HOURS_PER_DAY) {
      const probabilities = Array.from(values.subarray(offset, offset + HOURS_PER_DAY));
      const { hour, expectedError } = leastExpectedErrorHour(probabilities);
      predictions.push({ hour, expectedErrorHours: expectedError, probabilities });
    }
  }
  return predictions;
}
