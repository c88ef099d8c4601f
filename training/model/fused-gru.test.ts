import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "./backend";
import { layersInputs, randomBatch } from "../test-support/batches";
import { BatchInputs } from "./batch-inputs";
import { FusedGruModel } from "./fused-gru";
import { buildGruModel, readLayersWeights } from "./gru";
import { labelTensor, lossAndGradients } from "./gru-backprop";
import {
  type GruDims,
  type LayersWeights,
  PARAM_NAMES,
  paramsFromLayers,
  paramsToLayers,
} from "./gru-params";
import { GruTrainer } from "./gru-trainer";

const dims: GruDims = { stepWidth: 4, currentWidth: 3, units: 6, denseUnits: 5 };
const STEPS = 3;

function layersModel(seed: number, gateActivation: "sigmoid" | "hardSigmoid" = "sigmoid") {
  return buildGruModel(
    { historyLength: STEPS, stepFeatures: dims.stepWidth, currentFeatures: dims.currentWidth },
    { gruUnits: dims.units, denseUnits: dims.denseUnits, dropout: 0.5, seed, gateActivation },
  );
}

function assertClose(actual: Float32Array, expected: Float32Array, tolerance: number, what: string) {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0;
  expected.forEach((value, i) => {
    worst = Math.max(worst, Math.abs(value - actual[i]!) / Math.max(1, Math.abs(value)));
  });
  assert.ok(worst < tolerance, `${what}: largest difference ${worst}`);
}

describe("fused GRU", () => {
  it("maps the layers weights to its parameters and back unchanged", async () => {
    await initBackend();
    const layers = layersModel(5);
    const weights = readLayersWeights(layers);
    layers.dispose();
    const back = paramsToLayers(paramsFromLayers(weights, dims), dims);
    for (const name of Object.keys(weights) as (keyof LayersWeights)[]) {
      assert.deepEqual(back[name], weights[name], name);
    }
  });

  for (const gate of ["sigmoid", "hardSigmoid"] as const) {
    it(`predicts what the tfjs-layers model with the same weights predicts (${gate} gates)`, async () => {
      await initBackend();
      const layers = layersModel(7, gate);
      const fused = new FusedGruModel(dims, paramsFromLayers(readLayersWeights(layers), dims), gate);
      const batch = randomBatch(9, 3, dims, STEPS);
      const inputs = layersInputs(batch);
      const expected = tf.tidy(() => (layers.predict(inputs) as tf.Tensor).dataSync() as Float32Array);
      assertClose(fused.predictProbabilities(batch), expected, 1e-5, "probabilities");
      tf.dispose(inputs);
      layers.dispose();
      fused.dispose();
    });
  }

  it("computes the gradients autodiff computes through the tfjs-layers model", async () => {
    await initBackend();
    const layers = layersModel(11);
    const fused = new FusedGruModel(dims, paramsFromLayers(readLayersWeights(layers), dims));
    const batch = randomBatch(7, 4, dims, STEPS);
    const [sequence, current] = layersInputs(batch);
    const labels = labelTensor(batch.labels, batch.size);
    // The same loss as the fused model: soft-label cross-entropy on clipped probabilities, no dropout.
    const reference = tf.variableGrads(() => {
      const probabilities = layers.apply([sequence, current], { training: false }) as tf.Tensor;
      return tf.div(
        tf.neg(tf.sum(tf.mul(labels, tf.log(tf.clipByValue(probabilities, 1e-7, 1))))),
        batch.size,
      );
    });
    const byName = (layer: string, weight: string) => {
      const variable = layers.getLayer(layer).trainableWeights.find((w) => w.originalName.endsWith(weight));
      const gradient = variable && reference.grads[(variable.read() as tf.Variable).name];
      assert.ok(gradient, `${layer}/${weight}`);
      return gradient.dataSync() as Float32Array;
    };
    const expected = paramsFromLayers(
      {
        kernel: byName("gru", "/kernel"),
        recurrentKernel: byName("gru", "recurrent_kernel"),
        bias: byName("gru", "/bias"),
        hiddenKernel: byName("hidden", "kernel"),
        hiddenBias: byName("hidden", "bias"),
        hourKernel: byName("hour", "kernel"),
        hourBias: byName("hour", "bias"),
      },
      dims,
    );
    const inputs = new BatchInputs();
    inputs.write(batch, true);
    tf.tidy(() => {
      const { loss, gradients } = lossAndGradients(fused.variables, inputs, dims.units, labels, null);
      assert.ok(Math.abs(loss.dataSync()[0]! - reference.value.dataSync()[0]!) < 1e-5, "loss");
      for (const name of PARAM_NAMES) {
        assertClose(gradients[name].dataSync() as Float32Array, expected[name], 1e-4, name);
      }
    });
    tf.dispose([sequence, current, labels, reference.value, ...Object.values(reference.grads)]);
    layers.dispose();
    fused.dispose();
  });

  it("scales the hidden units' gradients by the dropout mask", async () => {
    await initBackend();
    const layers = layersModel(13);
    const fused = new FusedGruModel(dims, paramsFromLayers(readLayersWeights(layers), dims));
    layers.dispose();
    const batch = randomBatch(4, 6, dims, STEPS);
    const inputs = new BatchInputs();
    inputs.write(batch, true);
    const mask = Float32Array.from({ length: batch.size * dims.denseUnits }, (_, i) => (i % 3 === 0 ? 0 : 2));
    // Finite differences of the masked loss along one output weight of a kept and of a dropped unit.
    const loss = () =>
      tf.tidy(() => {
        const labels = labelTensor(batch.labels, batch.size);
        const masked = tf.tensor2d(mask, [batch.size, dims.denseUnits]);
        return lossAndGradients(fused.variables, inputs, dims.units, labels, masked).loss.dataSync()[0]!;
      });
    const gradients = tf.tidy(() => {
      const labels = labelTensor(batch.labels, batch.size);
      const masked = tf.tensor2d(mask, [batch.size, dims.denseUnits]);
      const { gradients } = lossAndGradients(fused.variables, inputs, dims.units, labels, masked);
      return [gradients.output.dataSync(), gradients.denseCurrent.dataSync()] as const;
    });
    const params = fused.params();
    for (const [name, index] of [
      ["output", 5],
      ["output", 30],
      ["denseCurrent", 2],
      ["denseCurrent", 16],
    ] as const) {
      const step = 1e-2;
      const shifted = (delta: number) => {
        const copy = { ...params, [name]: params[name].slice() };
        copy[name][index]! += delta;
        fused.setParams(copy);
        return loss();
      };
      const numeric = (shifted(step) - shifted(-step)) / (2 * step);
      const analytic = (name === "output" ? gradients[0] : gradients[1])[index]!;
      assert.ok(Math.abs(numeric - analytic) < 2e-3, `${name}[${index}]: ${analytic} vs ${numeric}`);
    }
    fused.dispose();
  });

  it("trains deterministically for a seed and leaves no tensors behind", async () => {
    await initBackend();
    const run = async () => {
      const layers = layersModel(17);
      const fused = new FusedGruModel(dims, paramsFromLayers(readLayersWeights(layers), dims));
      layers.dispose();
      const trainer = new GruTrainer(fused, { learningRate: 0.01, dropout: 0.3, seed: 1 });
      const batch = randomBatch(16, 8, dims, STEPS);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 5; i++) await trainer.step(batch);
      const losses = [trainer.takeMeanLoss()];
      for (let i = 0; i < 5; i++) await trainer.step(batch);
      losses.push(trainer.takeMeanLoss());
      // Adam's moments are made with the trainer; no step may leave a tensor behind.
      const kept = tf.memory().numTensors - before;
      const probabilities = fused.predictProbabilities(batch);
      await trainer.dispose();
      fused.dispose();
      return { losses, kept, probabilities };
    };
    const first = await run();
    const second = await run();
    assert.ok(first.losses[1]! < first.losses[0]!, `the loss falls: ${first.losses.join(", ")}`);
    assert.deepEqual(second.losses, first.losses);
    assert.deepEqual(second.probabilities, first.probabilities);
    assert.equal(first.kept, 0);
  });
});
