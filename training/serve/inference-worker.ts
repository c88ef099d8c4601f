// An inference worker thread of the server (inference-pool.ts): answers request bodies with the same
// invocation handler the server's own thread would use, so that parsing, checking, features, the forward
// pass and the response text of several requests run on several cores while the main thread only moves
// bytes (and /ping stays fast under load). Messages: in {id, body}; out {ready} once, then {id, status,
// text} or {id, fault} per request.
import { parentPort, workerData } from "node:worker_threads";
import { errorMessage } from "../runtime/errors";
import { type BatchedPredictor, batchedPredictor, type InferenceSpec } from "./batched-predictor";
import { invocationHandler } from "./invocation";
import type { MicroBatchOptions } from "./micro-batcher";
import { requestChecker } from "./request-check";

export interface InferenceWorkerData {
  spec: InferenceSpec;
  batching: MicroBatchOptions;
  maxInstances: number;
}

export interface WorkerRequest {
  id: number;
  body: Uint8Array;
}

export type WorkerReply =
  { ready: true } | { id: number; status: number; text: string } | { id: number; fault: string };

if (parentPort !== null && (workerData as { spec?: unknown } | undefined)?.spec !== undefined) {
  const port = parentPort;
  const data = workerData as InferenceWorkerData;
  const predictor: BatchedPredictor = batchedPredictor(data.spec, data.batching, data.maxInstances);
  const handler = invocationHandler(predictor, requestChecker(data.maxInstances));
  port.on("message", ({ id, body }: WorkerRequest) => {
    handler.answer(body).then(
      (answer) => port.postMessage({ id, ...answer } satisfies WorkerReply),
      (error: unknown) => port.postMessage({ id, fault: errorMessage(error) } satisfies WorkerReply),
    );
  });
  port.postMessage({ ready: true } satisfies WorkerReply);
}
