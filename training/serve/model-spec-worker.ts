// The worker thread of model-spec.ts: loads TensorFlow.js and the model in `workerData.modelDir`, answers
// its backend and parameters (or the error that stopped it) once, and is then ended by the thread that
// started it, TensorFlow.js's heap with it.
import { parentPort, workerData } from "node:worker_threads";
import { initBackend } from "../model/backend";
import { errorMessage } from "../runtime/errors";
import type { ModelSpecReply } from "./model-spec";
import { loadInferenceSpec } from "./predictor";

if (parentPort !== null && (workerData as { modelDir?: unknown } | undefined)?.modelDir !== undefined) {
  const port = parentPort;
  const { modelDir } = workerData as { modelDir: string };
  void (async (): Promise<ModelSpecReply> => {
    try {
      const backend = await initBackend();
      return { loaded: { backend, spec: await loadInferenceSpec(modelDir) } };
    } catch (error) {
      return { error: errorMessage(error) };
    }
  })().then((reply) => port.postMessage(reply));
}
