// Gradient steps of the fused GRU built from TF.js ops (VT_TRAIN_KERNEL=tfjs; the default is the WebAssembly
// kernel's trainer, gru-kernel-trainer.ts): hand-written gradients, Adam over all parameters as one vector
// (flat-adam.ts), seeded dropout masks drawn in JavaScript so that training is deterministic for a seed on
// every backend. The gradient of a batch is computed on this thread, or shared with worker threads by a
// gradient pool (gradient-pool.ts: a fixed number of shards, so still deterministic for a seed). The
// in-thread loss is summed on the device and read once per epoch, not once per batch.
// While a trainer lives it owns the parameter values: it writes each step's result into the model's
// variables, so the model predicts with the current values (validation after each epoch).
import * as tf from "@tensorflow/tfjs";
import type { TrainingBatch } from "./batch";
import { BatchInputs } from "./batch-inputs";
import { DropoutMasks } from "./dropout-masks";
import { FlatAdam } from "./flat-adam";
import type { FusedGruModel } from "./fused-gru";
import type { GradientPool } from "./gradient-pool";
import { type ShardGradient, shardGradient } from "./gradient-shard";
import { flatGradient, labelTensor, lossAndGradients } from "./gru-backprop";
import { PARAM_NAMES } from "./gru-params";

export interface TrainerOptions {
  learningRate: number;
  /** Dropout rate before the output layer (0 = none). */
  dropout: number;
  /** Seed of the dropout masks. */
  seed: number;
}

/** What fit.ts needs of a trainer (this one and gru-kernel-trainer.ts's). */
export interface Trainer {
  /** Threads computing each batch's gradient. */
  readonly threads: number;
  /** One Adam step on the batch's mean loss. The batch's arrays are read before the first await. */
  step(batch: TrainingBatch): Promise<void>;
  /** Mean training loss since the last call (weighted by batch size), and reset. */
  takeMeanLoss(): number;
  /** Writes the current parameters into the model's variables (before the model predicts). */
  syncModel(): void;
  dispose(): Promise<void>;
}

export class GruTrainer implements Trainer {
  private readonly optimizer: FlatAdam;
  private readonly inputs = new BatchInputs();
  private readonly masks: DropoutMasks;
  private readonly ownShard: ShardGradient;
  private lossSum: tf.Scalar = tf.scalar(0);
  /** The sharded steps' summed loss (read back from the threads every step anyway). */
  private pooledLossSum = 0;
  private examples = 0;

  /** `pool`, when given, computes the gradients (its parameters must be the model's); the trainer closes it. */
  constructor(
    private readonly model: FusedGruModel,
    private readonly options: TrainerOptions,
    private readonly pool: GradientPool | null = null,
  ) {
    if (model.activation !== "sigmoid") throw new Error("only a sigmoid-gated GRU can be trained");
    const flat = tf.tidy(() => tf.concat(PARAM_NAMES.map((name) => tf.reshape(model.variables[name], [-1]))));
    this.optimizer = new FlatAdam(tf.variable(flat, false), options.learningRate);
    this.masks = new DropoutMasks(options.dropout, model.dims.denseUnits, options.seed);
    this.ownShard = (shard, mask, batchSize, gradient) =>
      shardGradient(model.variables, model.dims, this.inputs, shard, mask, batchSize, gradient);
  }

  /** Threads computing each batch's gradient. */
  get threads(): number {
    return this.pool?.threads ?? 1;
  }

  /** One Adam step on the batch's mean loss. The batch's arrays are read before the first await. */
  async step(batch: TrainingBatch): Promise<void> {
    this.model.checkBatch(batch);
    const mask = this.masks.next(batch.size);
    if (this.pool === null) this.stepInThread(batch, mask);
    else await this.stepPooled(this.pool, batch, mask);
    this.examples += batch.size;
  }

  private stepInThread(batch: TrainingBatch, mask: Float32Array | null): void {
    this.inputs.write(batch, true);
    const { variables, dims } = this.model;
    const total = tf.tidy(() => {
      const { loss, gradients } = lossAndGradients(
        variables,
        this.inputs,
        dims.units,
        labelTensor(batch.labels, batch.size),
        mask ? tf.tensor2d(mask, [batch.size, dims.denseUnits]) : null,
      );
      this.applyGradient(flatGradient(gradients));
      return tf.add(this.lossSum, tf.mul(loss, batch.size)) as tf.Scalar;
    });
    this.lossSum.dispose();
    this.lossSum = total;
  }

  private async stepPooled(
    pool: GradientPool,
    batch: TrainingBatch,
    mask: Float32Array | null,
  ): Promise<void> {
    const { gradient, lossSum } = await pool.gradient(batch, mask, this.ownShard);
    this.pooledLossSum += lossSum;
    tf.tidy(() => this.applyGradient(tf.tensor1d(gradient)));
    pool.setParams(this.optimizer.values.dataSync() as Float32Array);
  }

  /** Adam's step along the batch's gradient, written into the model's variables. Inside tf.tidy. */
  private applyGradient(gradient: tf.Tensor1D): void {
    this.optimizer.step(gradient);
    let offset = 0;
    for (const name of PARAM_NAMES) {
      const variable = this.model.variables[name];
      variable.assign(tf.reshape(tf.slice(this.optimizer.values, offset, variable.size), variable.shape));
      offset += variable.size;
    }
  }

  /** The model's variables already hold each step's parameters. */
  syncModel(): void {}

  takeMeanLoss(): number {
    const sum = this.lossSum.dataSync()[0]! + this.pooledLossSum;
    const mean = this.examples > 0 ? sum / this.examples : Number.NaN;
    this.lossSum.dispose();
    this.lossSum = tf.scalar(0);
    this.pooledLossSum = 0;
    this.examples = 0;
    return mean;
  }

  async dispose(): Promise<void> {
    this.optimizer.values.dispose();
    this.optimizer.dispose();
    this.lossSum.dispose();
    await this.pool?.close();
  }
}
