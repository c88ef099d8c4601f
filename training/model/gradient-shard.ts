// One shard of a training batch: a contiguous range of its examples, copied into its own (reused) arrays in
// the batch layout, and the shard's loss and flat gradient. The sharded trainer (gradient-pool.ts) computes
// one shard on its own thread and each other shard on a worker thread (gradient-worker.ts) with this same
// code; the shards' gradients, each scaled by the whole batch's size, add up to the batch's gradient.
import * as tf from "@tensorflow/tfjs";
import { HOURS_PER_DAY } from "../core/hours";
import type { TrainingBatch } from "./batch";
import { BatchInputs } from "./batch-inputs";
import type { GruVariables } from "./fused-gru";
import { flatGradient, labelTensor, lossAndGradients } from "./gru-backprop";
import type { GruDims } from "./gru-params";

/** A shard's examples and dropout mask, in arrays of room for `capacity` examples (shared or not). */
export interface ShardArrays {
  sequence: Float32Array;
  current: Float32Array;
  labels: Float32Array;
  /** Dropout mask rows, D values per example (unused without dropout). */
  mask: Float32Array;
}

export type ShardBuffers = Record<keyof ShardArrays, ArrayBufferLike>;

/** Buffers for shards of up to `capacity` examples of `steps` steps; SharedArrayBuffers to share. */
export function shardBuffers(dims: GruDims, steps: number, capacity: number, shared: boolean): ShardBuffers {
  const make = (floats: number) => (shared ? new SharedArrayBuffer(floats * 4) : new ArrayBuffer(floats * 4));
  return {
    sequence: make(steps * capacity * dims.stepWidth),
    current: make(capacity * dims.currentWidth),
    labels: make(capacity * HOURS_PER_DAY),
    mask: make(capacity * dims.denseUnits),
  };
}

export function shardArrays(buffers: ShardBuffers): ShardArrays {
  return {
    sequence: new Float32Array(buffers.sequence),
    current: new Float32Array(buffers.current),
    labels: new Float32Array(buffers.labels),
    mask: new Float32Array(buffers.mask),
  };
}

/** Sizes of `shards` contiguous shards of a batch of `size` (the first ones one larger when it does not divide). */
export function shardSizes(size: number, shards: number): number[] {
  const base = Math.floor(size / shards);
  return Array.from({ length: shards }, (_, i) => base + (i < size % shards ? 1 : 0));
}

/** Copies examples [start, start + count) of the batch (and of its dropout mask) into `into`. */
export function copyShard(
  batch: TrainingBatch,
  mask: Float32Array | null,
  start: number,
  count: number,
  into: ShardArrays,
): void {
  const { size, steps, stepWidth: f, currentWidth: c } = batch;
  if (into.current.length < count * c) {
    throw new Error(`a shard of ${count} examples does not fit arrays made for ${into.current.length / c}`);
  }
  for (let t = 0; t < steps; t++) {
    const from = (t * size + start) * f;
    into.sequence.set(batch.sequence.subarray(from, from + count * f), t * count * f);
  }
  into.current.set(batch.current.subarray(start * c, (start + count) * c));
  into.labels.set(batch.labels.subarray(start * HOURS_PER_DAY, (start + count) * HOURS_PER_DAY));
  if (mask !== null) {
    const d = mask.length / size;
    into.mask.set(mask.subarray(start * d, (start + count) * d));
  }
}

/** The shard as a batch over its arrays. */
export function shardBatch(arrays: ShardArrays, dims: GruDims, steps: number, count: number): TrainingBatch {
  return {
    size: count,
    steps,
    stepWidth: dims.stepWidth,
    currentWidth: dims.currentWidth,
    sequence: arrays.sequence,
    current: arrays.current,
    labels: arrays.labels,
  };
}

/**
 * Computes a shard's gradient of the whole batch's mean loss (a batch of `batchSize`) into `gradient`, in the
 * optimizer's layout, and returns the shard's summed loss: `shardGradient` below (TF.js) or the WebAssembly
 * kernel (gru-kernel.ts), at parameters its owner has loaded.
 */
export type ShardGradient = (
  shard: TrainingBatch,
  mask: Float32Array | null,
  batchSize: number,
  gradient: Float32Array,
) => number;

/**
 * Writes the shard's gradient of the whole batch's mean loss (a batch of `batchSize`) into `gradient`, in
 * the optimizer's layout, and returns the shard's summed loss.
 */
export function shardGradient(
  vars: GruVariables,
  dims: GruDims,
  inputs: BatchInputs,
  shard: TrainingBatch,
  mask: Float32Array | null,
  batchSize: number,
  gradient: Float32Array,
): number {
  inputs.write(shard, true);
  return tf.tidy(() => {
    const d = dims.denseUnits;
    const { loss, gradients } = lossAndGradients(
      vars,
      inputs,
      dims.units,
      labelTensor(shard.labels, shard.size),
      mask ? tf.tensor2d(mask.subarray(0, shard.size * d), [shard.size, d]) : null,
      batchSize,
    );
    gradient.set(flatGradient(gradients).dataSync());
    return loss.dataSync()[0]! * batchSize;
  });
}
