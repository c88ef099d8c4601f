// The model's parameters for the inference workers, read in a worker thread of their own that ends once it
// has answered (model-spec-worker.ts). Reading them takes TensorFlow.js (the model files' format, the
// backend's choice), whose ~40 MB of heap would otherwise stay in the HTTP thread for good. That thread
// allocates every request body outside its heap (~0.4 MB per 100-instance request), and V8 answers that
// with a full collection of the thread's heap about twice a second under load: with TensorFlow.js in it,
// each took 25-80 ms of marking, most of it on the cores the inference workers need.
import { spawnModuleWorker } from "../runtime/worker-thread";
import type { InferenceSpec } from "./batched-predictor";

export interface ModelSpec {
  /** The TensorFlow.js backend the model was read with (what /ping reports). */
  backend: string;
  spec: InferenceSpec;
}

/** What model-spec-worker.ts answers, once. */
export type ModelSpecReply = { loaded: ModelSpec } | { error: string };

/** The parameters of the model in `modelDir`, read in a worker thread that is gone once they are here. */
export function readModelSpecInWorker(modelDir: string): Promise<ModelSpec> {
  const worker = spawnModuleWorker(__dirname, __dirname, "model-spec-worker", { modelDir });
  return new Promise<ModelSpec>((resolve, reject) => {
    worker.once("message", (reply: ModelSpecReply) =>
      "loaded" in reply ? resolve(reply.loaded) : reject(new Error(reply.error)),
    );
    worker.once("error", reject);
    worker.once("exit", (code) =>
      reject(new Error(`the thread reading the model stopped (exit code ${code}) before answering`)),
    );
  }).finally(() => void worker.terminate());
}
