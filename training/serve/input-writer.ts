// Instances' features packed into one InputBatch whose arrays are reused from batch to batch: normalised with
// the model's statistics, sequence time-major (the layout an HourModel reads without slicing).
import type { Features } from "../features/features";
import { type Normalisation, normaliseFeatures } from "../features/normalisation";
import type { InputBatch } from "../model/batch";

export interface BatchShape {
  /** Rows the arrays hold (the largest batch). */
  capacity: number;
  steps: number;
  stepWidth: number;
  currentWidth: number;
}

export class InputBatchWriter {
  readonly batch: InputBatch;

  constructor(
    private readonly shape: BatchShape,
    private readonly normalisation: Normalisation,
  ) {
    this.batch = {
      size: 0,
      steps: shape.steps,
      stepWidth: shape.stepWidth,
      currentWidth: shape.currentWidth,
      sequence: new Float32Array(shape.capacity * shape.steps * shape.stepWidth),
      current: new Float32Array(shape.capacity * shape.currentWidth),
    };
  }

  /** Packs `examples` as rows 0..n-1 of the batch (the time-major offsets depend on n). */
  write(examples: readonly Features[]): InputBatch {
    const { capacity, steps, stepWidth, currentWidth } = this.shape;
    const size = examples.length;
    if (size > capacity) throw new Error(`a batch of ${size} does not fit the writer's ${capacity} rows`);
    const batch = this.batch;
    batch.size = size;
    examples.forEach((example, b) => {
      if (example.sequence.length !== steps || example.current.length !== currentWidth) {
        throw new Error(
          `features of ${example.sequence.length} steps × ${example.sequence[0]?.length} and ` +
            `${example.current.length} current values do not fit the model's ${steps} × ${stepWidth} and ${currentWidth}`,
        );
      }
      const normalised = normaliseFeatures(example, this.normalisation);
      normalised.sequence.forEach((step, t) => batch.sequence.set(step, (t * size + b) * stepWidth));
      batch.current.set(normalised.current, b * currentWidth);
    });
    return batch;
  }
}
