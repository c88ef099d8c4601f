// Gradient steps of the fused GRU: hand-written gradients, Adam over all parameters as one vector
// (flat-adam.ts), seeded dropout masks drawn in JavaScript so that training is deterministic for a seed on
// every backend. The training loss is summed on the device and read once per epoch, not once per batch.
// While a trainer lives it owns the parameter values: it writes each step's result into the model's
// variables, so the model predicts with the current values (validation after each epoch).
import * as tf from "@tensorflow/tfjs";
import { type Random, seededRandom } from "../core/random";
import type { TrainingBatch } from "./batch";
import { BatchInputs } from "./batch-inputs";
import { FlatAdam } from "./flat-adam";
import type { FusedGruModel } from "./fused-gru";
import { labelTensor, lossAndGradients } from "./gru-backprop";
import { PARAM_NAMES } from "./gru-params";

export interface TrainerOptions {
  learningRate: number;
  /** Dropout rate before the output layer (0 = none). */
  dropout: number;
  /** Seed of the dropout masks. */
  seed: number;
}

export class GruTrainer {
  private readonly optimizer: FlatAdam;
  private readonly inputs = new BatchInputs();
  private readonly random: Random;
  private mask: Float32Array = new Float32Array(0);
  private lossSum: tf.Scalar = tf.scalar(0);
  private examples = 0;

  constructor(
    private readonly model: FusedGruModel,
    private readonly options: TrainerOptions,
  ) {
    if (model.activation !== "sigmoid") throw new Error("only a sigmoid-gated GRU can be trained");
    const flat = tf.tidy(() => tf.concat(PARAM_NAMES.map((name) => tf.reshape(model.variables[name], [-1]))));
    this.optimizer = new FlatAdam(tf.variable(flat, false), options.learningRate);
    this.random = seededRandom(options.seed);
  }

  /** One Adam step on the batch's mean loss. */
  step(batch: TrainingBatch): void {
    this.model.checkBatch(batch);
    this.inputs.write(batch, true);
    const { variables, dims } = this.model;
    const mask = this.dropoutMask(batch.size);
    const total = tf.tidy(() => {
      const { loss, gradients } = lossAndGradients(
        variables,
        this.inputs,
        dims.units,
        labelTensor(batch.labels, batch.size),
        mask ? tf.tensor2d(mask, [batch.size, dims.denseUnits]) : null,
      );
      this.optimizer.step(
        tf.concat(PARAM_NAMES.map((name) => tf.reshape(gradients[name], [-1]))) as tf.Tensor1D,
      );
      let offset = 0;
      for (const name of PARAM_NAMES) {
        const variable = variables[name];
        variable.assign(tf.reshape(tf.slice(this.optimizer.values, offset, variable.size), variable.shape));
        offset += variable.size;
      }
      return tf.add(this.lossSum, tf.mul(loss, batch.size)) as tf.Scalar;
    });
    this.lossSum.dispose();
    this.lossSum = total;
    this.examples += batch.size;
  }

  /** Mean training loss since the last call (weighted by batch size), and reset. */
  takeMeanLoss(): number {
    const mean = this.examples > 0 ? this.lossSum.dataSync()[0]! / this.examples : Number.NaN;
    this.lossSum.dispose();
    this.lossSum = tf.scalar(0);
    this.examples = 0;
    return mean;
  }

  dispose(): void {
    this.optimizer.values.dispose();
    this.optimizer.dispose();
    this.lossSum.dispose();
  }

  private dropoutMask(size: number): Float32Array | null {
    const rate = this.options.dropout;
    if (rate <= 0) return null;
    const length = size * this.model.dims.denseUnits;
    if (this.mask.length < length) this.mask = new Float32Array(length);
    const kept = 1 / (1 - rate);
    for (let i = 0; i < length; i++) this.mask[i] = this.random() < rate ? 0 : kept;
    return this.mask.subarray(0, length);
  }
}
