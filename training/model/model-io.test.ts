import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as tf from "@tensorflow/tfjs";
import { NORMALISATION_FILE } from "../data/examples-io";
import { CURRENT_COLUMNS, STEP_COLUMNS } from "../features/features";
import type { Normalisation } from "../features/normalisation";
import { layersInputs, randomBatch } from "../test-support/batches";
import { tempDir } from "../test-support/fixtures";
import { initBackend } from "./backend";
import { FusedGruModel } from "./fused-gru";
import { buildGruModel, readLayersWeights } from "./gru";
import { type GruDims, paramsFromLayers } from "./gru-params";
import {
  METADATA_FILE,
  MODEL_JSON,
  WEIGHTS_FILE,
  type ModelMetadata,
  loadHourModel,
  saveLayersModel,
  saveModelDir,
} from "./model-io";

const dims: GruDims = {
  stepWidth: STEP_COLUMNS.length,
  currentWidth: CURRENT_COLUMNS.length,
  units: 6,
  denseUnits: 5,
};
const normalisation: Normalisation = {
  step: { mean: STEP_COLUMNS.map((_, i) => i / 10), std: STEP_COLUMNS.map((_, i) => 1 + i / 5) },
  current: { mean: CURRENT_COLUMNS.map((_, i) => i), std: CURRENT_COLUMNS.map(() => 2) },
};
const metadata: ModelMetadata = {
  historyLength: 3,
  stepColumns: STEP_COLUMNS.map((column) => column.name),
  currentColumns: CURRENT_COLUMNS.map((column) => column.name),
  decode: "least-expected-circular-error",
};

function layersModel(gateActivation: "sigmoid" | "hardSigmoid") {
  return buildGruModel(
    { historyLength: 3, stepFeatures: dims.stepWidth, currentFeatures: dims.currentWidth },
    { gruUnits: dims.units, denseUnits: dims.denseUnits, dropout: 0, seed: 3, gateActivation },
  );
}

describe("model directory", () => {
  it("saves the fused model as a layers model that TF.js and loadHourModel both load", async () => {
    await initBackend();
    const dir = tempDir();
    const layers = layersModel("sigmoid");
    const fused = new FusedGruModel(dims, paramsFromLayers(readLayersWeights(layers), dims));
    layers.dispose();
    await saveModelDir(dir, fused, normalisation, metadata, 0.1);
    const batch = randomBatch(5, 9, dims, 3);
    const expected = fused.predictProbabilities(batch);
    fused.dispose();

    const loaded = await loadHourModel(dir);
    assert.deepEqual(loaded.model.predictProbabilities(batch), expected);
    assert.deepEqual(loaded.normalisation, normalisation);
    assert.equal(loaded.metadata.historyLength, 3);
    loaded.model.dispose();

    const json = JSON.parse(readFileSync(join(dir, MODEL_JSON), "utf8")) as tf.io.ModelJSON;
    const weights = readFileSync(join(dir, WEIGHTS_FILE));
    const plain = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      }),
    );
    const inputs = layersInputs(batch);
    const predicted = tf.tidy(() => (plain.predict(inputs) as tf.Tensor).dataSync() as Float32Array);
    expected.forEach((value, i) => assert.ok(Math.abs(value - predicted[i]!) < 1e-5, `probability ${i}`));
    tf.dispose(inputs);
    plain.dispose();
  });

  it("loads a model saved before the fused model (hard-sigmoid gates) with its own gates", async () => {
    await initBackend();
    const dir = tempDir();
    const layers = layersModel("hardSigmoid");
    await saveLayersModel(dir, layers);
    writeFileSync(join(dir, NORMALISATION_FILE), JSON.stringify(normalisation));
    writeFileSync(join(dir, METADATA_FILE), JSON.stringify(metadata));
    const reference = new FusedGruModel(
      dims,
      paramsFromLayers(readLayersWeights(layers), dims),
      "hardSigmoid",
    );
    layers.dispose();
    const batch = randomBatch(4, 2, dims, 3);
    const loaded = await loadHourModel(dir);
    assert.deepEqual(loaded.model.predictProbabilities(batch), reference.predictProbabilities(batch));
    loaded.model.dispose();
    reference.dispose();
  });

  it("names the file when the metadata's history length disagrees with the model", async () => {
    await initBackend();
    const dir = tempDir();
    const layers = layersModel("sigmoid");
    await saveLayersModel(dir, layers);
    layers.dispose();
    writeFileSync(join(dir, NORMALISATION_FILE), JSON.stringify(normalisation));
    writeFileSync(join(dir, METADATA_FILE), JSON.stringify({ ...metadata, historyLength: 5 }));
    await assert.rejects(loadHourModel(dir), /model\.json takes 3 history steps but its metadata says 5/);
  });
});
