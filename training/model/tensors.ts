// Features → input tensors (normalised with the saved statistics) and hour targets → soft labels.
import * as tf from "@tensorflow/tfjs";
import { HOURS_PER_DAY, softHourLabel } from "../core/hours";
import type { Features } from "../features/features";
import { type Normalisation, normaliseFeatures } from "../features/normalisation";

export interface InputTensors {
  sequence: tf.Tensor3D;
  current: tf.Tensor2D;
}

export function toInputTensors(examples: readonly Features[], normalisation: Normalisation): InputTensors {
  const first = examples[0];
  if (first === undefined) throw new Error("no examples to turn into tensors");
  const steps = first.sequence.length;
  const stepWidth = first.sequence[0]?.length ?? 0;
  const currentWidth = first.current.length;
  const sequence = new Float32Array(examples.length * steps * stepWidth);
  const current = new Float32Array(examples.length * currentWidth);
  examples.forEach((example, i) => {
    const normalised = normaliseFeatures(example, normalisation);
    normalised.sequence.forEach((step, t) => sequence.set(step, (i * steps + t) * stepWidth));
    current.set(normalised.current, i * currentWidth);
  });
  return {
    sequence: tf.tensor3d(sequence, [examples.length, steps, stepWidth]),
    current: tf.tensor2d(current, [examples.length, currentWidth]),
  };
}

/** Soft labels of the examples' target hours, 24 values per example. */
export function softLabels(examples: readonly { target: number }[], sigmaHours: number): Float32Array {
  const labels = new Float32Array(examples.length * HOURS_PER_DAY);
  examples.forEach((example, i) => labels.set(softHourLabel(example.target, sigmaHours), i * HOURS_PER_DAY));
  return labels;
}

export function toLabelTensor(examples: readonly { target: number }[], sigmaHours: number): tf.Tensor2D {
  return tf.tensor2d(softLabels(examples, sigmaHours), [examples.length, HOURS_PER_DAY]);
}

export function disposeInputs(inputs: InputTensors): void {
  inputs.sequence.dispose();
  inputs.current.dispose();
}
