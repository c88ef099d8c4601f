// What /invocations computes for validated instances: features, then the model through the micro-batcher
// (concurrent requests share model calls; the forward pass is GruInference's), then the hour of least
// expected circular error per instance.
import { HOURS_PER_DAY } from "../core/hours";
import { buildFeatures } from "../features/features";
import { GruInference } from "../model/gru-inference";
import { loadHourModel } from "../model/model-io";
import { decodePredictions, type HourPrediction, predictHours } from "../model/predict";
import { InputBatchWriter, type QueuedRow, RequestFeatureWriter } from "./input-writer";
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
  if (options.unbatched === true) {
    const features = (instances: readonly Instance[]) =>
      instances.map((instance) => buildFeatures(instance.history, instance.day, historyLength));
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
  const features = new RequestFeatureWriter(historyLength, loaded.normalisation);
  const writer = new InputBatchWriter(options.maxBatch, historyLength);
  const batcher = new MicroBatcher<QueuedRow>(options, HOURS_PER_DAY, (rows) =>
    model.predictProbabilities(writer.write(rows)),
  );
  return {
    historyLength,
    get queued() {
      return batcher.queued;
    },
    predict: async (instances) => {
      const inputs = features.write(instances);
      const rows = instances.map((_, row) => ({ inputs, row }));
      return decodePredictions(await batcher.submit(rows));
    },
    dispose: () => model.dispose(),
  };
}
