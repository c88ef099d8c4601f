// Gradient steps of the fused GRU on the WebAssembly kernel (gru-kernel.ts), the default trainer
// (VT_TRAIN_KERNEL=wasm): the same steps as gru-trainer.ts's TF.js trainer (the same gradients, the same Adam
// rule over the parameters as one vector, the same seeded dropout masks), with the parameters, the moments
// and the gradient in plain Float32Arrays and no TF.js op per batch. The gradient of a batch is computed on
// this thread, or shared with worker threads by a gradient pool (each worker runs its own kernel).
// The model's TF.js variables are written only when the model is about to predict (syncModel).
import type { TrainingBatch } from "./batch";
import { DropoutMasks } from "./dropout-masks";
import { ArrayAdam } from "./flat-adam";
import type { FusedGruModel } from "./fused-gru";
import type { GradientPool } from "./gradient-pool";
import type { ShardGradient } from "./gradient-shard";
import { GruKernel } from "./gru-kernel";
import { flatParams, unflattenParams } from "./gru-params";
import type { Trainer, TrainerOptions } from "./gru-trainer";

export class KernelGruTrainer implements Trainer {
  private readonly optimizer: ArrayAdam;
  private readonly masks: DropoutMasks;
  private readonly gradient: Float32Array;
  private readonly ownShard: ShardGradient;
  /** Made for the first (largest) batch or shard, and again only if a larger one comes. */
  private kernel: GruKernel | undefined;
  private lossSum = 0;
  private examples = 0;

  /** `pool`, when given, computes the gradients (its parameters must be the model's); the trainer closes it. */
  constructor(
    private readonly model: FusedGruModel,
    options: TrainerOptions,
    private readonly pool: GradientPool | null = null,
  ) {
    if (model.activation !== "sigmoid") throw new Error("only a sigmoid-gated GRU can be trained");
    this.optimizer = new ArrayAdam(flatParams(model.params()), options.learningRate);
    this.gradient = new Float32Array(this.optimizer.values.length);
    this.masks = new DropoutMasks(options.dropout, model.dims.denseUnits, options.seed);
    this.ownShard = (shard, mask, batchSize, gradient) => {
      const kernel = this.kernelFor(shard);
      kernel.setParams(this.optimizer.values);
      return kernel.lossAndGradient(shard, mask, batchSize, gradient);
    };
  }

  get threads(): number {
    return this.pool?.threads ?? 1;
  }

  async step(batch: TrainingBatch): Promise<void> {
    this.model.checkBatch(batch);
    const mask = this.masks.next(batch.size);
    if (this.pool === null) {
      this.lossSum += this.ownShard(batch, mask, batch.size, this.gradient);
      this.optimizer.step(this.gradient);
    } else {
      const { gradient, lossSum } = await this.pool.gradient(batch, mask, this.ownShard);
      this.lossSum += lossSum;
      this.optimizer.step(gradient);
      this.pool.setParams(this.optimizer.values);
    }
    this.examples += batch.size;
  }

  syncModel(): void {
    this.model.setParams(unflattenParams(this.optimizer.values, this.model.dims));
  }

  takeMeanLoss(): number {
    const mean = this.examples > 0 ? this.lossSum / this.examples : Number.NaN;
    this.lossSum = 0;
    this.examples = 0;
    return mean;
  }

  async dispose(): Promise<void> {
    await this.pool?.close();
  }

  private kernelFor(batch: TrainingBatch): GruKernel {
    if (this.kernel === undefined || this.kernel.capacity < batch.size || this.kernel.steps !== batch.steps) {
      this.kernel = new GruKernel(this.model.dims, batch.steps, batch.size);
    }
    return this.kernel;
  }
}
