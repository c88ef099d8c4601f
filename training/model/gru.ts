// The model: a GRU over the last K visits, its state joined with the target day's current features,
// a dense layer and a softmax over the 24 hours (decoded to the hour of least expected circular error).
import * as tf from "@tensorflow/tfjs";
import { HOURS_PER_DAY } from "../core/hours";

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
}

export function buildGruModel(shape: ModelShape, options: ModelOptions): tf.LayersModel {
  const sequence = tf.input({ shape: [shape.historyLength, shape.stepFeatures], name: "history" });
  const current = tf.input({ shape: [shape.currentFeatures], name: "current" });
  const state = tf.layers
    .gru({
      units: options.gruUnits,
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

export function compileModel(model: tf.LayersModel, learningRate: number): void {
  model.compile({ optimizer: tf.train.adam(learningRate), loss: "categoricalCrossentropy" });
}
