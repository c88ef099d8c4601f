// The model behind /invocations, loaded from a model directory: the micro-batched forward pass
// (batched-predictor.ts), or the path before micro-batching (one TF.js predict per request, through the
// training features), kept as the reference of the tests and the baseline of `npm run bench:serve`.
import { buildFeatures } from "../features/features";
import { FeatureBatchSource, sourceProbabilities } from "../model/feature-batches";
import { loadHourModel } from "../model/model-io";
import { type BatchedPredictor, batchedPredictor, type InferenceSpec } from "./batched-predictor";
import type { MicroBatchOptions } from "./micro-batcher";

export interface PredictorOptions extends MicroBatchOptions {
  /** The most instances a request may hold. */
  maxInstances: number;
  /** One TF.js model call per request, as before micro-batching. @default false */
  unbatched?: boolean;
}

/** The parameters of the model in `modelDir`, for batchedPredictor in this thread or a worker. */
export async function loadInferenceSpec(modelDir: string): Promise<InferenceSpec> {
  const loaded = await loadHourModel(modelDir);
  const fused = loaded.model;
  const spec: InferenceSpec = {
    dims: fused.dims,
    params: fused.params(),
    activation: fused.activation,
    normalisation: loaded.normalisation,
    historyLength: loaded.metadata.historyLength,
  };
  fused.dispose();
  return spec;
}

export async function loadPredictor(modelDir: string, options: PredictorOptions): Promise<BatchedPredictor> {
  if (options.unbatched !== true)
    return batchedPredictor(await loadInferenceSpec(modelDir), options, options.maxInstances);
  const loaded = await loadHourModel(modelDir);
  const historyLength = loaded.metadata.historyLength;
  return {
    historyLength,
    queued: 0,
    probabilities: async (instances) => {
      const examples = instances.map((instance) =>
        buildFeatures(instance.history, instance.day, historyLength),
      );
      return sourceProbabilities(loaded.model, new FeatureBatchSource(examples, loaded.normalisation));
    },
    bodyProbabilities: () => undefined,
    dispose: () => loaded.model.dispose(),
  };
}
