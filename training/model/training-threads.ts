// The training settings VT_TRAIN_KERNEL (which code computes the gradients) and VT_TRAIN_THREADS (how many
// threads share each batch's gradient, gradient-pool.ts). Free of TensorFlow.js so that --help and the other
// entry points do not load it.
import type { BackendName } from "./backend";

/** Most threads one training process may share its batches between. */
export const MAX_TRAINING_THREADS = 16;

/**
 * The code that computes a batch's loss and gradients: `wasm`, the WebAssembly kernel (gru-kernel.ts: no
 * TF.js per-op cost, the same on every backend), or `tfjs`, the fused GRU built from TF.js ops
 * (gru-backprop.ts), on the backend TF.js chose.
 */
export type TrainingKernel = "wasm" | "tfjs";

export const TRAINING_KERNELS: readonly TrainingKernel[] = ["wasm", "tfjs"];

/** VT_TRAIN_KERNEL: `wasm` (the default) or `tfjs`. */
export function trainingKernel(value: string | undefined): TrainingKernel {
  const text = value?.trim() ?? "";
  if (text === "") return "wasm";
  const kernel = TRAINING_KERNELS.find((name) => name === text);
  if (kernel === undefined) {
    throw new Error(`VT_TRAIN_KERNEL must be one of ${TRAINING_KERNELS.join(", ")}, got "${text}"`);
  }
  return kernel;
}

/**
 * Threads that share each batch (the trainer's own included) from VT_TRAIN_THREADS, else the default: 2,
 * except for the TF.js kernel on tfjs-node, which already multiplies on every core (1). A fixed default
 * rather than the core count, so that the same seed trains the same model on any machine.
 */
export function trainingThreads(
  value: string | undefined,
  backend: BackendName,
  kernel: TrainingKernel = "wasm",
): number {
  const text = value?.trim() ?? "";
  if (text === "") return kernel === "tfjs" && backend === "tensorflow" ? 1 : 2;
  const threads = Number(text);
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_TRAINING_THREADS) {
    throw new Error(
      `VT_TRAIN_THREADS must be a whole number from 1 to ${MAX_TRAINING_THREADS}, got "${text}"`,
    );
  }
  return threads;
}
