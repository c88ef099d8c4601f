// Model inputs on the endpoint's path. A request's instances are encoded on arrival into an InputBatch of
// their own (RequestFeatureWriter: straight from the validated visits into typed arrays, normalised with the
// model's statistics, through the writeExample that training and evaluation use); when the micro-batcher
// runs, the waiting row ranges of several requests are copied into one reused batch (InputBatchWriter), one
// block per step and request, or a request that makes a batch alone is passed on as it is.
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
import type { BatchPart } from "./micro-batcher";
import type { Instance } from "./request";

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

/** Copies queued row ranges into one InputBatch whose arrays are reused from batch to batch (time-major). */
export class InputBatchWriter {
  private readonly batch: InputBatch;

  constructor(
    private readonly capacity: number,
    steps: number,
  ) {
    this.batch = allocateInputBatch(capacity, steps);
  }

  /** The batch of `size` rows made of `parts` (consecutive rows of requests' inputs), in order. */
  write(parts: readonly BatchPart<InputBatch>[], size: number): InputBatch {
    if (size > this.capacity) {
      throw new Error(`a batch of ${size} does not fit the writer's ${this.capacity} rows`);
    }
    const batch = this.batch;
    const { steps, stepWidth: f, currentWidth: c, sequence, current } = batch;
    for (const { source } of parts) {
      if (source.steps !== steps || source.stepWidth !== f || source.currentWidth !== c) {
        throw new Error(
          `inputs of ${source.steps} steps × ${source.stepWidth} and ${source.currentWidth} current values ` +
            `do not fit the batch's ${steps} × ${f} and ${c}`,
        );
      }
    }
    // A request that fills the batch alone: its own arrays are the batch (the model copies them anyway).
    const only = parts.length === 1 ? parts[0]! : undefined;
    if (only !== undefined && only.from === 0 && only.count === only.source.size) return only.source;
    batch.size = size;
    let first = 0;
    for (const { source, from, count } of parts) {
      for (let t = 0; t < steps; t++) {
        const at = (t * source.size + from) * f;
        sequence.set(source.sequence.subarray(at, at + count * f), (t * size + first) * f);
      }
      current.set(source.current.subarray(from * c, (from + count) * c), first * c);
      first += count;
    }
    return batch;
  }
}
