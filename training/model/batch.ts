// The meeting point of the data path, the model and the endpoint: model inputs as flat typed arrays in the
// layout the GRU reads without slicing. The batcher (training and evaluation data) and the endpoint's feature
// builder write them; a model reads them. Arrays may be longer than one batch needs (buffers reused from batch
// to batch): only the first `size` rows count.
/** Normalised inputs of `size` examples. */
export interface InputBatch {
  /** Examples in this batch (B). */
  size: number;
  /** History steps per example (T), oldest first; short histories are zero-padded at the front. */
  steps: number;
  /** Features per history step (F). */
  stepWidth: number;
  /** Current (target-day) features per example (C). */
  currentWidth: number;
  /**
   * Step features, time-major so that each step is one contiguous [B, F] block:
   * value (t, b, f) at `(t * size + b) * stepWidth + f`.
   */
  sequence: Float32Array;
  /** Current features, value (b, c) at `b * currentWidth + c`. */
  current: Float32Array;
}

/** Inputs plus the soft labels over the hours, value (b, h) at `b * 24 + h`. */
export interface TrainingBatch extends InputBatch {
  labels: Float32Array;
}

export interface BatchOptions {
  batchSize: number;
  /** Width of the wrapped-Gaussian soft label (hours; 0 = one-hot). */
  labelSigmaHours: number;
  /** Example indices in the order to visit them (e.g. a seeded shuffle); default: source order. */
  order?: Uint32Array;
}

/** A split's examples, assembled into batches on demand (never one object per example). */
export interface BatchSource {
  /** Number of examples. */
  readonly length: number;
  /** Target hours (0..23) in source order. */
  readonly targets: Uint8Array;
  /** Batches in `order`; a yielded batch's arrays may be overwritten by the next one. */
  batches(options: BatchOptions): Iterable<TrainingBatch>;
}

/** What evaluate and serve need of a trained model. */
export interface HourModel {
  /** Softmax rows, 24 values per example of the batch, in batch order. */
  predictProbabilities(batch: InputBatch): Float32Array;
  dispose(): void;
}
