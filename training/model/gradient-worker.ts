// A gradient worker thread of the sharded trainer (gradient-pool.ts): holds its own WebAssembly kernel
// (gru-kernel.ts) or TF.js model and, per batch, loads the current parameters from the shared vector,
// computes its shard's gradient into its shared gradient vector and answers with the shard's summed loss.
// Messages: in {size, batchSize, masked}; out {ready} once (or {fault} if it cannot start), then {loss} or
// {fault} per shard.
import { parentPort, workerData } from "node:worker_threads";
import { errorMessage } from "../runtime/errors";
import { type BackendName, initBackend } from "./backend";
import { BatchInputs } from "./batch-inputs";
import { FusedGruModel } from "./fused-gru";
import {
  type ShardBuffers,
  type ShardGradient,
  shardArrays,
  shardBatch,
  shardGradient,
} from "./gradient-shard";
import { GruKernel } from "./gru-kernel";
import { type GruDims, unflattenParams } from "./gru-params";
import type { TrainingKernel } from "./training-threads";

export interface GradientWorkerData {
  backend: BackendName;
  kernel: TrainingKernel;
  /** Largest shard this worker is given. */
  capacity: number;
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

/** The shard computation at the parameters in `params`, loaded anew for each shard. */
async function shardComputer(data: GradientWorkerData, params: Float32Array): Promise<ShardGradient> {
  if (data.kernel === "wasm") {
    const kernel = new GruKernel(data.dims, data.steps, data.capacity);
    return (shard, mask, batchSize, gradient) => {
      kernel.setParams(params);
      return kernel.lossAndGradient(shard, mask, batchSize, gradient);
    };
  }
  await initBackend({ VT_TF_BACKEND: data.backend });
  const model = new FusedGruModel(data.dims, unflattenParams(params, data.dims));
  const inputs = new BatchInputs();
  return (shard, mask, batchSize, gradient) => {
    model.setParams(unflattenParams(params, data.dims));
    return shardGradient(model.variables, data.dims, inputs, shard, mask, batchSize, gradient);
  };
}

async function serve(port: NonNullable<typeof parentPort>, data: GradientWorkerData): Promise<void> {
  const params = new Float32Array(data.params);
  const gradient = new Float32Array(data.gradient);
  const arrays = shardArrays(data.shard);
  const compute = await shardComputer(data, params);
  port.on("message", ({ size, batchSize, masked }: GradientRequest) => {
    try {
      const shard = shardBatch(arrays, data.dims, data.steps, size);
      const loss = compute(shard, masked ? arrays.mask : null, batchSize, gradient);
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
