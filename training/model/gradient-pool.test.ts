import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { randomBatch } from "../test-support/batches";
import { referenceGradient } from "../test-support/reference-gradient";
import { type BackendName, initBackend } from "./backend";
import { BatchInputs } from "./batch-inputs";
import { FusedGruModel } from "./fused-gru";
import { startGradientPool } from "./gradient-pool";
import { type ShardGradient, shardGradient, shardSizes } from "./gradient-shard";
import { buildGruModel, readLayersWeights } from "./gru";
import { type GruDims, type GruParams, flatParams, paramsFromLayers, unflattenParams } from "./gru-params";
import { GruKernel } from "./gru-kernel";
import { KernelGruTrainer } from "./gru-kernel-trainer";
import { GruTrainer } from "./gru-trainer";
import { type TrainingKernel, TRAINING_KERNELS, trainingKernel, trainingThreads } from "./training-threads";

const dims: GruDims = { stepWidth: 4, currentWidth: 3, units: 6, denseUnits: 5 };
const STEPS = 3;

function initialParams(seed: number): GruParams {
  const layers = buildGruModel(
    { historyLength: STEPS, stepFeatures: dims.stepWidth, currentFeatures: dims.currentWidth },
    { gruUnits: dims.units, denseUnits: dims.denseUnits, dropout: 0.3, seed },
  );
  try {
    return paramsFromLayers(readLayersWeights(layers), dims);
  } finally {
    layers.dispose();
  }
}

/** A dropout mask like the trainer's: 0 or 1/(1-rate). */
function dropoutMask(size: number, seed: number): Float32Array {
  return Float32Array.from({ length: size * dims.denseUnits }, (_, i) =>
    (i * 7 + seed) % 4 === 0 ? 0 : 1 / 0.7,
  );
}

function largestDifference(actual: Float32Array, expected: Float32Array): number {
  assert.equal(actual.length, expected.length);
  let worst = 0;
  expected.forEach((value, i) => {
    worst = Math.max(worst, Math.abs(value - actual[i]!) / Math.max(1e-3, Math.abs(value)));
  });
  return worst;
}

async function pool(params: GruParams, threads: number, batchSize: number, kernel: TrainingKernel) {
  return startGradientPool({
    backend: tf.getBackend() as BackendName,
    kernel,
    dims,
    steps: STEPS,
    batchSize,
    params: flatParams(params),
    threads,
  });
}

/** The caller's own shard, computed by `kernel` at the model's parameters. */
function ownShard(kernel: TrainingKernel, model: FusedGruModel): ShardGradient {
  if (kernel === "tfjs") {
    const inputs = new BatchInputs();
    return (shard, mask, batchSize, gradient) =>
      shardGradient(model.variables, dims, inputs, shard, mask, batchSize, gradient);
  }
  const wasm = new GruKernel(dims, STEPS, 16);
  wasm.setParams(flatParams(model.params()));
  return (shard, mask, batchSize, gradient) => wasm.lossAndGradient(shard, mask, batchSize, gradient);
}

describe("data-parallel gradients (gradient pool)", () => {
  it("cuts a batch into contiguous shards, the first ones larger", () => {
    assert.deepEqual(shardSizes(10, 3), [4, 3, 3]);
    assert.deepEqual(shardSizes(256, 2), [128, 128]);
    assert.deepEqual(shardSizes(1, 2), [1, 0]);
  });

  it("reads VT_TRAIN_KERNEL and VT_TRAIN_THREADS, with a fixed default per kernel and backend", () => {
    assert.equal(trainingKernel(undefined), "wasm");
    assert.equal(trainingKernel(" tfjs "), "tfjs");
    assert.throws(() => trainingKernel("gpu"), /VT_TRAIN_KERNEL must be one of wasm, tfjs, got "gpu"/);
    assert.equal(trainingThreads(undefined, "wasm"), 2);
    assert.equal(trainingThreads("", "cpu", "tfjs"), 2);
    assert.equal(trainingThreads(undefined, "tensorflow"), 2);
    assert.equal(trainingThreads(undefined, "tensorflow", "tfjs"), 1);
    assert.equal(trainingThreads(" 3 ", "tensorflow"), 3);
    assert.throws(
      () => trainingThreads("0", "wasm"),
      /VT_TRAIN_THREADS must be a whole number from 1 to 16, got "0"/,
    );
    assert.throws(() => trainingThreads("two", "wasm"), /got "two"/);
  });

  for (const kernel of TRAINING_KERNELS) {
    it(`gives the in-thread gradient and loss of the whole batch (${kernel} kernel; 2 and 3 threads, with and without dropout)`, async () => {
      await initBackend();
      const params = initialParams(3);
      const model = new FusedGruModel(dims, params);
      for (const [threads, size, masked] of [
        [2, 16, true],
        [3, 10, false],
        [2, 1, true],
      ] as const) {
        const batch = randomBatch(size, threads * 10 + size, dims, STEPS);
        const mask = masked ? dropoutMask(size, threads) : null;
        const expected = referenceGradient(model, batch, mask);
        const gradients = await pool(params, threads, 16, kernel);
        try {
          const { gradient, lossSum } = await gradients.gradient(batch, mask, ownShard(kernel, model));
          const what = `${threads} threads, batch ${size}${masked ? ", dropout" : ""}`;
          assert.ok(largestDifference(gradient, expected.gradient) < 1e-4, `${what}: gradient`);
          assert.ok(
            Math.abs(lossSum / size - expected.loss) < 1e-5,
            `${what}: loss ${lossSum / size} vs ${expected.loss}`,
          );
        } finally {
          await gradients.close();
        }
      }
      model.dispose();
    });
  }

  for (const kernel of TRAINING_KERNELS) {
    it(`trains the same weights twice for a seed, close to the in-thread trainer's (${kernel} kernel)`, async () => {
      await initBackend();
      const batches = [
        randomBatch(12, 1, dims, STEPS),
        randomBatch(12, 2, dims, STEPS),
        randomBatch(5, 3, dims, STEPS),
      ];
      const run = async (threads: number) => {
        const params = initialParams(9);
        const model = new FusedGruModel(dims, params);
        const options = { learningRate: 0.01, dropout: 0.3, seed: 4 };
        const gradients = threads > 1 ? await pool(params, threads, 12, kernel) : null;
        const trainer =
          kernel === "tfjs"
            ? new GruTrainer(model, options, gradients)
            : new KernelGruTrainer(model, options, gradients);
        for (let epoch = 0; epoch < 3; epoch++) for (const batch of batches) await trainer.step(batch);
        const loss = trainer.takeMeanLoss();
        trainer.syncModel();
        await trainer.dispose();
        const trained = flatParams(model.params());
        model.dispose();
        return { loss, trained };
      };
      const first = await run(2);
      const second = await run(2);
      assert.deepEqual(second.trained, first.trained);
      assert.equal(second.loss, first.loss);
      const inThread = await run(1);
      assert.ok(largestDifference(first.trained, inThread.trained) < 1e-3, "pooled vs in-thread weights");
      assert.ok(Math.abs(first.loss - inThread.loss) < 1e-4, `loss ${first.loss} vs ${inThread.loss}`);
      // The trained vector maps back onto the model's parameters.
      assert.equal(unflattenParams(first.trained, dims).outputBias.length, 24);
    });
  }

  it("names a batch larger than the pool was made for", async () => {
    await initBackend();
    const params = initialParams(1);
    const model = new FusedGruModel(dims, params);
    const gradients = await pool(params, 2, 4, "wasm");
    try {
      await assert.rejects(
        gradients.gradient(randomBatch(5, 1, dims, STEPS), null, ownShard("wasm", model)),
        /a batch of 5 examples is larger than the pool's 4/,
      );
    } finally {
      await gradients.close();
      model.dispose();
    }
  });
});
