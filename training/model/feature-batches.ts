// An in-memory BatchSource over Features objects (today's examples and the endpoint's requests): normalised
// once into flat example-major arrays, then assembled into time-major batches in reused buffers.
import { HOURS_PER_DAY, softHourLabel } from "../core/hours";
import type { Features } from "../features/features";
import { type Normalisation, normaliseFeatures } from "../features/normalisation";
import type { BatchOptions, BatchSource, InputBatch, TrainingBatch } from "./batch";

export class FeatureBatchSource implements BatchSource {
  readonly length: number;
  readonly targets: Uint8Array;
  private readonly steps: number;
  private readonly stepWidth: number;
  private readonly currentWidth: number;
  /** Example-major: value (i, t, f) at (i * steps + t) * stepWidth + f. */
  private readonly sequence: Float32Array;
  private readonly current: Float32Array;

  /** `targets` may be omitted when only inputs are needed (the endpoint); they are then all 0. */
  constructor(examples: readonly (Features & { target?: number })[], normalisation: Normalisation) {
    const first = examples[0];
    if (first === undefined) throw new Error("no examples to make batches of");
    this.length = examples.length;
    this.steps = first.sequence.length;
    this.stepWidth = first.sequence[0]?.length ?? 0;
    this.currentWidth = first.current.length;
    this.sequence = new Float32Array(this.length * this.steps * this.stepWidth);
    this.current = new Float32Array(this.length * this.currentWidth);
    this.targets = new Uint8Array(this.length);
    examples.forEach((example, i) => {
      if (example.sequence.length !== this.steps) {
        throw new Error(
          `example ${i} has ${example.sequence.length} history steps, the first has ${this.steps}`,
        );
      }
      const normalised = normaliseFeatures(example, normalisation);
      normalised.sequence.forEach((step, t) =>
        this.sequence.set(step, (i * this.steps + t) * this.stepWidth),
      );
      this.current.set(normalised.current, i * this.currentWidth);
      this.targets[i] = example.target ?? 0;
    });
  }

  *batches(options: BatchOptions): Iterable<TrainingBatch> {
    const { batchSize, labelSigmaHours, order } = options;
    const hourLabels = Array.from({ length: HOURS_PER_DAY }, (_, hour) =>
      softHourLabel(hour, labelSigmaHours),
    );
    const rows = Math.min(batchSize, this.length);
    const batch: TrainingBatch = {
      size: 0,
      steps: this.steps,
      stepWidth: this.stepWidth,
      currentWidth: this.currentWidth,
      sequence: new Float32Array(this.steps * rows * this.stepWidth),
      current: new Float32Array(rows * this.currentWidth),
      labels: new Float32Array(rows * HOURS_PER_DAY),
    };
    const { steps: t, stepWidth: f, currentWidth: c } = this;
    for (let start = 0; start < this.length; start += batchSize) {
      const size = Math.min(batchSize, this.length - start);
      batch.size = size;
      for (let b = 0; b < size; b++) {
        const i = order ? order[start + b]! : start + b;
        for (let step = 0; step < t; step++) {
          const from = (i * t + step) * f;
          batch.sequence.set(this.sequence.subarray(from, from + f), (step * size + b) * f);
        }
        batch.current.set(this.current.subarray(i * c, i * c + c), b * c);
        batch.labels.set(hourLabels[this.targets[i]!]!, b * HOURS_PER_DAY);
      }
      yield batch;
    }
  }
}

/** The model's softmax rows over all of a source's examples, in source order. */
export function sourceProbabilities(
  model: { predictProbabilities(batch: InputBatch): Float32Array },
  source: BatchSource,
  batchSize = 1024,
): Float32Array {
  const probabilities = new Float32Array(source.length * HOURS_PER_DAY);
  let offset = 0;
  for (const batch of source.batches({ batchSize, labelSigmaHours: 0 })) {
    probabilities.set(model.predictProbabilities(batch).subarray(0, batch.size * HOURS_PER_DAY), offset);
    offset += batch.size * HOURS_PER_DAY;
  }
  return probabilities;
}
