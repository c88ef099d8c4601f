// A tfjs-layers model seen through the HourModel contract: the time-major InputBatch is copied to the
// batch-major [B, T, F] tensor that layers.GRU reads, and predicted in one call.
import * as tf from "@tensorflow/tfjs";
import type { HourModel, InputBatch } from "../model/batch";
import { predictProbabilities } from "../model/predict";

export function layersHourModel(model: tf.LayersModel): HourModel {
  let batchMajor = new Float32Array(0);
  return {
    predictProbabilities(batch: InputBatch): Float32Array {
      const { size, steps, stepWidth, currentWidth } = batch;
      const length = size * steps * stepWidth;
      if (batchMajor.length < length) batchMajor = new Float32Array(length);
      for (let t = 0; t < steps; t++) {
        for (let b = 0; b < size; b++) {
          const from = (t * size + b) * stepWidth;
          batchMajor.set(batch.sequence.subarray(from, from + stepWidth), (b * steps + t) * stepWidth);
        }
      }
      const sequence = tf.tensor3d(batchMajor.slice(0, length), [size, steps, stepWidth]);
      const current = tf.tensor2d(batch.current.slice(0, size * currentWidth), [size, currentWidth]);
      try {
        return predictProbabilities(model, { sequence, current }, size);
      } finally {
        sequence.dispose();
        current.dispose();
      }
    },
    dispose: () => model.dispose(),
  };
}
