// A gradient worker thread of the sharded trainer (gradient-pool.ts): holds a copy of the model and, per
// batch, loads the current parameters from the shared vector, computes its shard's gradient into its shared
// gradient vector and answers with the shard's summed loss. Messages: in {size, batchSize, masked}; out
// {ready} once (or {fault} if it cannot start), then {loss} or {fault} per shard.
import { parentPort, workerData } from "node:worker_threads";
import { errorMessage } from "../runtime/errors";
import { type BackendName, initBackend } from "./backend";
import { BatchInputs } from "./batch-inputs";
import { FusedGruModel } from "./fused-gru";
import { type ShardBuffers, shardArrays, shardBatch, shardGradient } from "./gradient-shard";
import { type GruDims, unflattenParams } from "./gru-params";

export interface GradientWorkerData {
  backend: BackendName;
  dims: GruDims;
  steps: number;
  shard: ShardBuffers;
  /** The parameters in the optimizer's layout, written by the trainer before each request. */
  params: SharedArrayBuffer;
  /** This worker's gradient, same layout. */
  gradient: SharedArrayBuffer;
}

export interface GradientRequest {
  size: number;
  batchSize: number;
  masked: boolean;
}

export type GradientReply = { ready: true } | { loss: number } | { fault: string };

async function serve(port: NonNullable<typeof parentPort>, data: GradientWorkerData): Promise<void> {
  await initBackend({ VT_TF_BACKEND: data.backend });
  const params = new Float32Array(data.params);
  const gradient = new Float32Array(data.gradient);
  const arrays = shardArrays(data.shard);
  const model = new FusedGruModel(data.dims, unflattenParams(params, data.dims));
  const inputs = new BatchInputs();
  port.on("message", ({ size, batchSize, masked }: GradientRequest) => {
    try {
      model.setParams(unflattenParams(params, data.dims));
      const shard = shardBatch(arrays, data.dims, data.steps, size);
      const mask = masked ? arrays.mask : null;
      const loss = shardGradient(model.variables, data.dims, inputs, shard, mask, batchSize, gradient);
      port.postMessage({ loss } satisfies GradientReply);
    } catch (error) {
      port.postMessage({ fault: errorMessage(error) } satisfies GradientReply);
    }
  });
  port.postMessage({ ready: true } satisfies GradientReply);
}

if (parentPort !== null && (workerData as { gradient?: unknown } | undefined)?.gradient !== undefined) {
  const port = parentPort;
  serve(port, workerData as GradientWorkerData).catch((error: unknown) =>
    port.postMessage({ fault: errorMessage(error) } satisfies GradientReply),
  );
}
