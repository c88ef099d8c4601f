// Random batches for the model's tests: normal inputs, label rows summing to 1.
import * as tf from "@tensorflow/tfjs";
import { normal, seededRandom } from "../core/random";
import type { TrainingBatch } from "../model/batch";
import type { GruDims } from "../model/gru-params";

/** A random batch; each label row sums to 1. */
export function randomBatch(size: number, seed: number, shape: GruDims, steps: number): TrainingBatch {
  const random = seededRandom(seed);
  const labels = Float32Array.from({ length: size * 24 }, () => random());
  for (let b = 0; b < size; b++) {
    const row = labels.subarray(b * 24, (b + 1) * 24);
    const total = row.reduce((sum, value) => sum + value, 0);
    row.forEach((value, h) => (row[h] = value / total));
  }
  return {
    size,
    steps,
    stepWidth: shape.stepWidth,
    currentWidth: shape.currentWidth,
    sequence: Float32Array.from({ length: steps * size * shape.stepWidth }, () => normal(random)),
    current: Float32Array.from({ length: size * shape.currentWidth }, () => normal(random)),
    labels,
  };
}

/** The layers model's inputs: the time-major sequence as [B, T, F]. */
export function layersInputs(batch: TrainingBatch): [tf.Tensor3D, tf.Tensor2D] {
  const { size, steps, stepWidth, currentWidth } = batch;
  const sequence = new Float32Array(size * steps * stepWidth);
  for (let t = 0; t < steps; t++) {
    for (let b = 0; b < size; b++) {
      const from = (t * size + b) * stepWidth;
      sequence.set(batch.sequence.subarray(from, from + stepWidth), (b * steps + t) * stepWidth);
    }
  }
  return [
    tf.tensor3d(sequence, [size, steps, stepWidth]),
    tf.tensor2d(batch.current.subarray(0, size * currentWidth), [size, currentWidth]),
  ];
}
