// Model inputs on the endpoint's path. A request's instances are encoded on arrival into an InputBatch of
// their own (RequestFeatureWriter: straight from the validated visits into typed arrays, normalised with the
// model's statistics, through the writeExample that training and evaluation use); when the micro-batcher
// runs, the waiting rows of several requests are copied into one reused batch (InputBatchWriter).
import { VISIT_WIDTH, writeVisit } from "../features/features";
import type { Normalisation } from "../features/normalisation";
import {
  allocateInputBatch,
  type Scaling,
  toScaling,
  type VisitMatrix,
  writeExample,
} from "../features/window-writer";
import type { InputBatch } from "../model/batch";
import type { Instance } from "./request";

/** One instance waiting for the model: row `row` of its request's inputs. */
export interface QueuedRow {
  inputs: InputBatch;
  row: number;
}

export class RequestFeatureWriter {
  private readonly scaling: Scaling;
  /** The last `steps` visits of one instance, encoded (reused; grown only for a longer history length). */
  private readonly visits: VisitMatrix;

  constructor(
    private readonly steps: number,
    normalisation: Normalisation,
  ) {
    this.scaling = toScaling(normalisation);
    this.visits = { features: new Float32Array(steps * VISIT_WIDTH), days: new Int32Array(steps) };
  }

  /** The instances' normalised inputs, row i for instance i (validated: history oldest first, before day). */
  write(instances: readonly Instance[]): InputBatch {
    const batch = allocateInputBatch(instances.length, this.steps);
    const { features, days } = this.visits;
    const width = VISIT_WIDTH; // read once (an import is a getter in the CommonJS that tsx runs)
    for (let b = 0; b < instances.length; b++) {
      const { history, day } = instances[b]!;
      const start = Math.max(0, history.length - this.steps);
      for (let row = 0; row < history.length - start; row++) {
        const visit = history[start + row]!;
        writeVisit(features, row * width, visit);
        days[row] = visit.day;
      }
      writeExample(batch, b, this.visits, 0, history.length - start, day, this.scaling);
    }
    return batch;
  }
}

/** Copies queued rows into one InputBatch whose arrays are reused from batch to batch (time-major). */
export class InputBatchWriter {
  private readonly batch: InputBatch;

  constructor(
    private readonly capacity: number,
    steps: number,
  ) {
    this.batch = allocateInputBatch(capacity, steps);
  }

  write(rows: readonly QueuedRow[]): InputBatch {
    const size = rows.length;
    if (size > this.capacity) {
      throw new Error(`a batch of ${size} does not fit the writer's ${this.capacity} rows`);
    }
    const batch = this.batch;
    const { steps, stepWidth: f, currentWidth: c, sequence, current } = batch;
    batch.size = size;
    for (let b = 0; b < size; b++) {
      const { inputs, row } = rows[b]!;
      if (inputs.steps !== steps || inputs.stepWidth !== f || inputs.currentWidth !== c) {
        throw new Error(
          `inputs of ${inputs.steps} steps × ${inputs.stepWidth} and ${inputs.currentWidth} current values ` +
            `do not fit the batch's ${steps} × ${f} and ${c}`,
        );
      }
      for (let t = 0; t < steps; t++) {
        const from = (t * inputs.size + row) * f;
        const to = (t * size + b) * f;
        for (let k = 0; k < f; k++) sequence[to + k] = inputs.sequence[from + k]!;
      }
      for (let k = 0; k < c; k++) current[b * c + k] = inputs.current[row * c + k]!;
    }
    return batch;
  }
}
