import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { initBackend } from "./backend";
import { randomBatch } from "../test-support/batches";
import { referenceGradient } from "../test-support/reference-gradient";
import { FusedGruModel } from "./fused-gru";
import { buildGruModel, readLayersWeights } from "./gru";
import { GruKernel } from "./gru-kernel";
import { KernelGruTrainer } from "./gru-kernel-trainer";
import { GruTrainer } from "./gru-trainer";
import { type GruDims, PARAM_NAMES, flatParams, paramsFromLayers, unflattenParams } from "./gru-params";

function model(dims: GruDims, steps: number, seed: number): FusedGruModel {
  const layers = buildGruModel(
    { historyLength: steps, stepFeatures: dims.stepWidth, currentFeatures: dims.currentWidth },
    { gruUnits: dims.units, denseUnits: dims.denseUnits, dropout: 0.5, seed, gateActivation: "sigmoid" },
  );
  try {
    return new FusedGruModel(dims, paramsFromLayers(readLayersWeights(layers), dims));
  } finally {
    layers.dispose();
  }
}

/** Largest difference relative to the larger of 1e-2 and the reference's largest magnitude of that parameter. */
function worstDifference(actual: Float32Array, expected: Float32Array): number {
  const scale = Math.max(1e-2, ...Array.from(expected, Math.abs));
  let worst = 0;
  expected.forEach((value, i) => (worst = Math.max(worst, Math.abs(value - actual[i]!) / scale)));
  return worst;
}

const mask = (size: number, units: number) =>
  Float32Array.from({ length: size * units }, (_, i) => (i % 3 === 0 ? 0 : 1.5));

describe("GRU training kernel (WebAssembly)", () => {
  // Units and batches that are and are not multiples of the kernel's 4-row and 8-column tiles.
  const cases: [GruDims, number, number, boolean][] = [
    [{ stepWidth: 4, currentWidth: 3, units: 6, denseUnits: 5 }, 3, 7, false],
    [{ stepWidth: 4, currentWidth: 3, units: 6, denseUnits: 5 }, 1, 5, true],
    [{ stepWidth: 5, currentWidth: 2, units: 8, denseUnits: 9 }, 4, 1, true],
    [{ stepWidth: 30, currentWidth: 11, units: 13, denseUnits: 16 }, 5, 33, true],
    [{ stepWidth: 30, currentWidth: 11, units: 32, denseUnits: 32 }, 14, 64, true],
  ];
  for (const [dims, steps, size, dropout] of cases) {
    it(`gives TF.js's loss and gradients (units ${dims.units}, dense ${dims.denseUnits}, ${steps} steps, batch ${size}, dropout ${dropout})`, async () => {
      await initBackend();
      const fused = model(dims, steps, size);
      const batch = randomBatch(size, dims.units, dims, steps);
      const dropped = dropout ? mask(size, dims.denseUnits) : null;
      const { loss: expectedLoss, gradient: expected } = referenceGradient(fused, batch, dropped, size + 3);
      const kernel = new GruKernel(dims, steps, size + 2);
      kernel.setParams(flatParams(fused.params()));
      const gradient = new Float32Array(kernel.paramCount);
      const lossSum = kernel.lossAndGradient(batch, dropped, size + 3, gradient);
      assert.ok(Math.abs(lossSum / (size + 3) - expectedLoss) < 1e-5 * Math.abs(expectedLoss), "loss");
      const actualByName = unflattenParams(gradient, dims);
      const expectedByName = unflattenParams(expected, dims);
      for (const name of PARAM_NAMES) {
        const worst = worstDifference(actualByName[name], expectedByName[name]);
        assert.ok(worst < 1e-4, `${name}: largest difference ${worst}`);
      }
      fused.dispose();
    });
  }

  it("gives the same gradient for a batch whatever it computed before (no state kept between batches)", async () => {
    const dims: GruDims = { stepWidth: 4, currentWidth: 3, units: 6, denseUnits: 5 };
    const fused = model(dims, 3, 1);
    const params = flatParams(fused.params());
    fused.dispose();
    const kernel = new GruKernel(dims, 3, 20);
    kernel.setParams(params);
    const small = randomBatch(5, 1, dims, 3);
    const first = new Float32Array(kernel.paramCount);
    const firstLoss = kernel.lossAndGradient(small, null, 5, first);
    const other = new Float32Array(kernel.paramCount);
    kernel.lossAndGradient(randomBatch(20, 2, dims, 3), mask(20, 5), 20, other);
    const again = new Float32Array(kernel.paramCount);
    assert.equal(kernel.lossAndGradient(small, null, 5, again), firstLoss);
    assert.deepEqual(again, first);
  });

  it("refuses a batch that does not fit", () => {
    const dims: GruDims = { stepWidth: 4, currentWidth: 3, units: 6, denseUnits: 5 };
    const kernel = new GruKernel(dims, 3, 4);
    const gradient = new Float32Array(kernel.paramCount);
    assert.throws(() => kernel.lossAndGradient(randomBatch(5, 1, dims, 3), null, 5, gradient), /1 to 4/);
    assert.throws(
      () => kernel.lossAndGradient(randomBatch(2, 1, dims, 4), null, 2, gradient),
      /kernel was made for 3/,
    );
    assert.throws(() => kernel.setParams(new Float32Array(3)), /3 values/);
  });

  it("takes the TF.js trainer's steps (same Adam, same dropout masks), and the same steps on every run", async () => {
    await initBackend();
    const dims: GruDims = { stepWidth: 5, currentWidth: 3, units: 7, denseUnits: 6 };
    const batches = [randomBatch(13, 1, dims, 4), randomBatch(13, 2, dims, 4), randomBatch(6, 3, dims, 4)];
    const options = { learningRate: 0.01, dropout: 0.3, seed: 5 };
    const run = async (kernel: "wasm" | "tfjs") => {
      const fused = model(dims, 4, 21);
      const trainer =
        kernel === "wasm" ? new KernelGruTrainer(fused, options) : new GruTrainer(fused, options);
      const losses: number[] = [];
      for (let epoch = 0; epoch < 3; epoch++) {
        for (const batch of batches) await trainer.step(batch);
        losses.push(trainer.takeMeanLoss());
      }
      trainer.syncModel();
      const trained = flatParams(fused.params());
      const probabilities = fused.predictProbabilities(batches[0]!);
      await trainer.dispose();
      fused.dispose();
      return { losses, trained, probabilities };
    };
    const wasm = await run("wasm");
    const tfjs = await run("tfjs");
    assert.ok(wasm.losses[2]! < wasm.losses[0]!, `the loss falls: ${wasm.losses.join(", ")}`);
    wasm.losses.forEach((loss, i) =>
      assert.ok(Math.abs(loss - tfjs.losses[i]!) < 1e-4, `epoch ${i}: loss ${loss} vs ${tfjs.losses[i]}`),
    );
    // Nine Adam steps of at most the learning rate each: the weights agree to a small part of one step.
    let worst = 0;
    wasm.trained.forEach((value, i) => (worst = Math.max(worst, Math.abs(value - tfjs.trained[i]!))));
    assert.ok(worst < 1e-3 * options.learningRate, `largest weight difference ${worst}`);
    const again = await run("wasm");
    assert.deepEqual(again.trained, wasm.trained);
    assert.deepEqual(again.losses, wasm.losses);
    assert.deepEqual(again.probabilities, wasm.probabilities);
  });
});
