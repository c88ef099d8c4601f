// The TF.js fused GRU's loss and flat gradient of a batch (gru-backprop.ts), the reference the WebAssembly
// kernel and the gradient pool are checked against.
import * as tf from "@tensorflow/tfjs";
import type { TrainingBatch } from "../model/batch";
import { BatchInputs } from "../model/batch-inputs";
import type { FusedGruModel } from "../model/fused-gru";
import { flatGradient, labelTensor, lossAndGradients } from "../model/gru-backprop";

/** The batch's mean loss (summed over it, divided by `meanOver`) and its gradient in the optimizer's layout. */
export function referenceGradient(
  model: FusedGruModel,
  batch: TrainingBatch,
  mask: Float32Array | null,
  meanOver = batch.size,
): { loss: number; gradient: Float32Array } {
  const inputs = new BatchInputs();
  inputs.write(batch, true);
  return tf.tidy(() => {
    const { loss, gradients } = lossAndGradients(
      model.variables,
      inputs,
      model.dims.units,
      labelTensor(batch.labels, batch.size),
      mask ? tf.tensor2d(mask, [batch.size, model.dims.denseUnits]) : null,
      meanOver,
    );
    return { loss: loss.dataSync()[0]!, gradient: flatGradient(gradients).dataSync() as Float32Array };
  });
}
