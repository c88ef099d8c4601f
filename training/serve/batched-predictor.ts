// The served forward pass, with no TensorFlow.js, so that an inference worker thread loads only this: the
// model's parameters (an InferenceSpec, plain typed arrays that cross to a worker by structured clone) in
// GruInference, requests' features written into typed arrays on arrival, and the micro-batcher sharing
// model calls between concurrent requests.
import { HOURS_PER_DAY } from "../core/hours";
import type { Normalisation } from "../features/normalisation";
import type { GateActivation } from "../model/fused-gru";
import { GruInference } from "../model/gru-inference";
import type { GruDims, GruParams } from "../model/gru-params";
import { InputBatchWriter, RequestFeatureWriter } from "./input-writer";
import type { InputBatch } from "../model/batch";
import { RequestReader } from "./request-reader";
import { MicroBatcher, type MicroBatchOptions } from "./micro-batcher";
import type { Instance } from "./request";

/** What the forward pass needs of a trained model. */
export interface InferenceSpec {
  dims: GruDims;
  params: GruParams;
  activation: GateActivation;
  normalisation: Normalisation;
  historyLength: number;
}

export interface BatchedPredictor {
  readonly historyLength: number;
  /** Instances waiting for a model call. */
  readonly queued: number;
  /** 24 hour probabilities per instance, in order; rejects with QueueFullError when the queue is full. */
  probabilities(instances: readonly Instance[]): Promise<Float32Array>;
  /**
   * The same for a request body's bytes read straight into model inputs (request-reader.ts), or undefined for
   * a body the reader gives up on: the caller then parses and checks it in full (a 400 names the field).
   */
  bodyProbabilities(body: Uint8Array): Promise<Float32Array> | undefined;
  dispose(): void;
}

/** @param maxInstances the most instances a request may hold */
export function batchedPredictor(
  spec: InferenceSpec,
  options: MicroBatchOptions,
  maxInstances: number,
): BatchedPredictor {
  const model = new GruInference(spec.dims, spec.params, spec.activation);
  const features = new RequestFeatureWriter(spec.historyLength, spec.normalisation);
  const reader = new RequestReader(maxInstances, spec.historyLength, spec.normalisation);
  const writer = new InputBatchWriter(options.maxBatch, spec.historyLength);
  const batcher = new MicroBatcher<InputBatch>(options, HOURS_PER_DAY, (parts, size) =>
    model.predictProbabilities(writer.write(parts, size)),
  );
  const submit = (inputs: InputBatch) => batcher.submit(inputs, inputs.size);
  return {
    historyLength: spec.historyLength,
    get queued() {
      return batcher.queued;
    },
    probabilities: (instances) => submit(features.write(instances)),
    bodyProbabilities: (body) => {
      const inputs = reader.read(body);
      return inputs === undefined ? undefined : submit(inputs);
    },
    dispose: () => model.dispose(),
  };
}
