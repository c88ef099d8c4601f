// The VT_TRAIN_THREADS setting: how many threads share each batch's gradient (gradient-pool.ts). Free of
// TensorFlow.js so that --help and the other entry points do not load it.
import type { BackendName } from "./backend";

/** Most threads one training process may share its batches between. */
export const MAX_TRAINING_THREADS = 16;

/**
 * Threads that share each batch (the trainer's own included) from VT_TRAIN_THREADS, else the backend's
 * default: 2 on the single-threaded WASM and CPU backends, 1 on tfjs-node, which already multiplies on
 * every core. A fixed default rather than the core count, so that the same seed trains the same model on
 * any machine.
 */
export function trainingThreads(value: string | undefined, backend: BackendName): number {
  const text = value?.trim() ?? "";
  if (text === "") return backend === "tensorflow" ? 1 : 2;
  const threads = Number(text);
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_TRAINING_THREADS) {
    throw new Error(
      `VT_TRAIN_THREADS must be a whole number from 1 to ${MAX_TRAINING_THREADS}, got "${text}"`,
    );
  }
  return threads;
}
