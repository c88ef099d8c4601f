// Data-parallel gradients for one training process: each batch is cut into a fixed number of contiguous
// shards; the trainer's own thread computes the first and one worker thread (gradient-worker.ts) each of the
// others, all from the same parameters, and the shards' gradients are added in shard order. The result
// depends on the number of shards (a setting, VT_TRAIN_THREADS), never on the machine's cores or on which
// thread finishes first, so training stays deterministic for a seed. TF.js's WASM backend runs one thread in
// Node; this is how training uses the other cores there (the number: training-threads.ts). Inputs, parameters
// and gradients travel through SharedArrayBuffers made once; a message per shard and batch only says how many
// examples to take.
import type { Worker } from "node:worker_threads";
import { spawnModuleWorker } from "../runtime/worker-thread";
import type { BackendName } from "./backend";
import type { TrainingBatch } from "./batch";
import {
  type ShardArrays,
  type ShardGradient,
  copyShard,
  shardArrays,
  shardBatch,
  shardBuffers,
  shardSizes,
} from "./gradient-shard";
import type { GradientReply, GradientRequest, GradientWorkerData } from "./gradient-worker";
import type { GruDims } from "./gru-params";
import type { TrainingKernel } from "./training-threads";

/** How long a worker may take to start TensorFlow.js before training gives up. */
const READY_TIMEOUT_MS = 60_000;

class ShardWorker {
  readonly ready: Promise<void>;
  private pending: { resolve(loss: number): void; reject(error: Error): void } | undefined;
  private stopped: string | undefined;

  constructor(
    readonly worker: Worker,
    readonly arrays: ShardArrays,
    readonly gradient: Float32Array,
  ) {
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`a training worker did not start within ${READY_TIMEOUT_MS} ms`)),
        READY_TIMEOUT_MS,
      );
      worker.on("message", (reply: GradientReply) => {
        if ("ready" in reply) {
          clearTimeout(timer);
          resolve();
        } else if ("fault" in reply) {
          clearTimeout(timer);
          reject(new Error(`a training worker failed to start: ${reply.fault}`));
          this.settle(new Error(`a training worker failed: ${reply.fault}`));
        } else {
          this.settle(reply.loss);
        }
      });
      const gone = (cause: string) => {
        clearTimeout(timer);
        this.stopped ??= cause;
        reject(new Error(`a training worker stopped while starting: ${cause}`));
        this.settle(new Error(`a training worker stopped: ${cause}`));
      };
      worker.on("error", (error) => gone(error.message));
      worker.on("exit", (code) => gone(`exit code ${code}`));
    });
    // Awaited by startGradientPool; a later failure must not be an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  /** Asks for the gradient of the shard already copied into this worker's arrays. */
  request(message: GradientRequest): Promise<number> {
    if (this.stopped !== undefined) {
      return Promise.reject(new Error(`a training worker stopped: ${this.stopped}`));
    }
    return new Promise<number>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(message);
    });
  }

  private settle(result: number | Error): void {
    const pending = this.pending;
    this.pending = undefined;
    if (pending === undefined) return;
    if (typeof result === "number") pending.resolve(result);
    else pending.reject(result);
  }
}

export interface GradientPool {
  /** Threads sharing each batch, the caller's included. */
  readonly threads: number;
  /** Sets the parameters (the optimizer's flat layout) the next batches' gradients are taken at. */
  setParams(values: Float32Array): void;
  /**
   * The gradient of the batch's mean loss at the parameters last set and the batch's summed loss; `own`
   * computes the first shard on the caller's thread (at the same parameters). The returned vector is reused
   * by the next call.
   */
  gradient(
    batch: TrainingBatch,
    mask: Float32Array | null,
    own: ShardGradient,
  ): Promise<{ gradient: Float32Array; lossSum: number }>;
  close(): Promise<void>;
}

export interface GradientPoolOptions {
  backend: BackendName;
  /** What computes the workers' shards (as the caller's own shard). */
  kernel: TrainingKernel;
  dims: GruDims;
  steps: number;
  /** Largest batch the pool will be given. */
  batchSize: number;
  /** Parameters in the optimizer's layout (their count sets the gradient's length). */
  params: Float32Array;
  threads: number;
}

/** Starts `threads - 1` gradient workers (TensorFlow.js loads in each) and resolves once all are ready. */
export async function startGradientPool(options: GradientPoolOptions): Promise<GradientPool> {
  const { backend, kernel, dims, steps, threads } = options;
  if (!Number.isInteger(threads) || threads < 2) {
    throw new Error(`a gradient pool needs at least 2 threads, got ${threads}`);
  }
  const capacity = Math.ceil(options.batchSize / threads);
  const count = options.params.length;
  const params = new Float32Array(new SharedArrayBuffer(count * 4));
  params.set(options.params);
  const workers = Array.from({ length: threads - 1 }, () => {
    const shard = shardBuffers(dims, steps, capacity, true);
    const gradient = new SharedArrayBuffer(count * 4);
    const data: GradientWorkerData = {
      backend,
      kernel,
      capacity,
      dims,
      steps,
      shard,
      params: params.buffer as SharedArrayBuffer,
      gradient,
    };
    const worker = spawnModuleWorker(__dirname, __dirname, "gradient-worker", data);
    return new ShardWorker(worker, shardArrays(shard), new Float32Array(gradient));
  });
  const close = async () => {
    await Promise.all(workers.map((member) => member.worker.terminate()));
  };
  try {
    await Promise.all(workers.map((member) => member.ready));
  } catch (error) {
    await close();
    throw error;
  }
  const ownArrays = shardArrays(shardBuffers(dims, steps, capacity, false));
  const total = new Float32Array(count);
  const ownGradient = new Float32Array(count);

  return {
    threads,
    setParams(values) {
      params.set(values);
    },
    async gradient(batch, mask, own) {
      if (batch.size > options.batchSize) {
        throw new Error(`a batch of ${batch.size} examples is larger than the pool's ${options.batchSize}`);
      }
      const sizes = shardSizes(batch.size, threads);
      // Each worker's shard first, so that they work while this thread computes its own.
      let start = sizes[0]!;
      const answers = workers.map((member, i) => {
        const size = sizes[i + 1]!;
        const from = start;
        start += size;
        if (size === 0) return Promise.resolve(null);
        copyShard(batch, mask, from, size, member.arrays);
        return member.request({ size, batchSize: batch.size, masked: mask !== null });
      });
      const answered = Promise.all(answers);
      // Awaited below; if this thread's own shard throws first, a worker's failure must not go unhandled.
      answered.catch(() => undefined);
      copyShard(batch, mask, 0, sizes[0]!, ownArrays);
      let lossSum = own(
        shardBatch(ownArrays, dims, steps, sizes[0]!),
        mask === null ? null : ownArrays.mask,
        batch.size,
        ownGradient,
      );
      total.set(ownGradient);
      const losses = await answered;
      // Added in shard order whatever order the workers finished in: the same sums on every run.
      losses.forEach((loss, i) => {
        if (loss === null) return;
        lossSum += loss;
        const shard = workers[i]!.gradient;
        for (let j = 0; j < count; j++) total[j] = total[j]! + shard[j]!;
      });
      return { gradient: total, lossSum };
    },
    close,
  };
}
