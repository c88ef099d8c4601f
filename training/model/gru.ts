// The model: a GRU over the last K visits, its state joined with the target day's current features,
// a dense layer and a softmax over the 24 hours (decoded to the hour of least expected circular error).
// This layers model is the saved format (model.json + weights.bin) and the reference the fused model of
// fused-gru.ts is tested against; training and prediction run the fused model.
import * as tf from "@tensorflow/tfjs";
import { HOURS_PER_DAY } from "../core/hours";
import type { GruDims, LayersWeights } from "./gru-params";

export interface ModelShape {
  historyLength: number;
  stepFeatures: number;
  currentFeatures: number;
}

export interface ModelOptions {
  gruUnits: number;
  denseUnits: number;
  dropout: number;
  seed: number;
  /** The GRU's gate activation (default sigmoid); hardSigmoid builds the models saved before the fused model. */
  gateActivation?: "sigmoid" | "hardSigmoid";
}

export function buildGruModel(shape: ModelShape, options: ModelOptions): tf.LayersModel {
  const sequence = tf.input({ shape: [shape.historyLength, shape.stepFeatures], name: "history" });
  const current = tf.input({ shape: [shape.currentFeatures], name: "current" });
  const state = tf.layers
    .gru({
      units: options.gruUnits,
      // The logistic sigmoid (tfjs-layers' default is the hard sigmoid): smooth gradients, and the gate
      // PyTorch and Keras use.
      recurrentActivation: options.gateActivation ?? "sigmoid",
      kernelInitializer: tf.initializers.glorotUniform({ seed: options.seed }),
      recurrentInitializer: tf.initializers.orthogonal({ seed: options.seed + 1 }),
      name: "gru",
    })
    .apply(sequence) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate({ name: "join" }).apply([state, current]) as tf.SymbolicTensor;
  const hidden = tf.layers
    .dense({
      units: options.denseUnits,
      activation: "relu",
      kernelInitializer: tf.initializers.heNormal({ seed: options.seed + 2 }),
      name: "hidden",
    })
    .apply(joined) as tf.SymbolicTensor;
  const dropped = tf.layers
    .dropout({ rate: options.dropout, seed: options.seed + 3 })
    .apply(hidden) as tf.SymbolicTensor;
  const output = tf.layers
    .dense({
      units: HOURS_PER_DAY,
      activation: "softmax",
      kernelInitializer: tf.initializers.glorotUniform({ seed: options.seed + 4 }),
      name: "hour",
    })
    .apply(dropped) as tf.SymbolicTensor;
  return tf.model({ inputs: [sequence, current], outputs: output, name: "visit_hour_gru" });
}

/** The layer names the weights are read from and written to. */
const LAYER_WEIGHTS = [
  ["gru", ["kernel", "recurrentKernel", "bias"]],
  ["hidden", ["hiddenKernel", "hiddenBias"]],
  ["hour", ["hourKernel", "hourBias"]],
] as const satisfies readonly (readonly [string, readonly (keyof LayersWeights)[]])[];

export function readLayersWeights(model: tf.LayersModel): LayersWeights {
  const weights: Partial<LayersWeights> = {};
  for (const [layer, names] of LAYER_WEIGHTS) {
    const values = model.getLayer(layer).getWeights();
    names.forEach((name, i) => {
      const value = values[i];
      if (value === undefined) throw new Error(`layer "${layer}" has no weight ${i} (${name})`);
      weights[name] = (value.dataSync() as Float32Array).slice();
    });
  }
  return weights as LayersWeights;
}

export function writeLayersWeights(model: tf.LayersModel, weights: LayersWeights): void {
  for (const [layer, names] of LAYER_WEIGHTS) {
    const target = model.getLayer(layer);
    const shapes = target.getWeights().map((weight) => weight.shape);
    const tensors = names.map((name, i) => tf.tensor(weights[name], shapes[i]));
    target.setWeights(tensors);
    tf.dispose(tensors);
  }
}

/** The dimensions of a layers model built by buildGruModel. */
export function layersDims(model: tf.LayersModel): GruDims & { historyLength: number } {
  const [sequence, current] = model.inputs;
  const gru = model.getLayer("gru").getWeights()[1];
  const hidden = model.getLayer("hidden").getWeights()[0];
  const [, historyLength, stepWidth] = sequence?.shape ?? [];
  const currentWidth = current?.shape[1];
  if (!historyLength || !stepWidth || !currentWidth || !gru || !hidden) {
    throw new Error(
      "the layers model is not a visit-hour GRU (inputs history and current, layers gru and hidden)",
    );
  }
  return { historyLength, stepWidth, currentWidth, units: gru.shape[0]!, denseUnits: hidden.shape[1]! };
}
