// What /invocations computes for validated instances: features, then the model through the micro-batcher
// (concurrent requests share model calls; the forward pass is GruInference's), then the hour of least
// expected circular error per instance.
import { HOURS_PER_DAY } from "../core/hours";
import { buildFeatures, CURRENT_COLUMNS, type Features, STEP_COLUMNS } from "../features/features";
import { GruInference } from "../model/gru-inference";
import { loadHourModel } from "../model/model-io";
import { decodePredictions, type HourPrediction, predictHours } from "../model/predict";
import { InputBatchWriter } from "./input-writer";
import { MicroBatcher, type MicroBatchOptions } from "./micro-batcher";
import type { Instance } from "./request";

export interface PredictorOptions extends MicroBatchOptions {
  /**
   * The path before micro-batching: one tfjs-layers predict per request. Kept as the reference of the
   * tests and the baseline of `npm run bench:serve`.
   * @default false
   */
  unbatched?: boolean;
}

export interface Predictor {
  readonly historyLength: number;
  /** Instances waiting for a model call. */
  readonly queued: number;
  /** Rejects with QueueFullError when the queue has no room for these instances. */
  predict(instances: readonly Instance[]): Promise<HourPrediction[]>;
  dispose(): void;
}

export async function loadPredictor(modelDir: string, options: PredictorOptions): Promise<Predictor> {
  const loaded = await loadHourModel(modelDir);
  const historyLength = loaded.metadata.historyLength;
  const features = (instances: readonly Instance[]): Features[] =>
    instances.map((instance) => buildFeatures(instance.history, instance.day, historyLength));

  if (options.unbatched === true) {
    return {
      historyLength,
      queued: 0,
      predict: async (instances) => predictHours(loaded.model, loaded.normalisation, features(instances)),
      dispose: () => loaded.model.dispose(),
    };
  }

  // The same parameters through the inference forward pass (no TF.js per-op cost on small batches).
  const fused = loaded.model;
  const model = new GruInference(fused.dims, fused.params(), fused.activation);
  fused.dispose();
  const writer = new InputBatchWriter(
    {
      capacity: options.maxBatch,
      steps: historyLength,
      stepWidth: STEP_COLUMNS.length,
      currentWidth: CURRENT_COLUMNS.length,
    },
    loaded.normalisation,
  );
  const batcher = new MicroBatcher<Features>(options, HOURS_PER_DAY, (batch) =>
    model.predictProbabilities(writer.write(batch)),
  );
  return {
    historyLength,
    get queued() {
      return batcher.queued;
    },
    predict: async (instances) => decodePredictions(await batcher.submit(features(instances))),
    dispose: () => model.dispose(),
  };
}
