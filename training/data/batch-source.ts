// BatchSources over the compact dataset: each batch's windows are assembled from the per-visit matrix by
// writeExample (normalised, time-major) into buffers reused from batch to batch, so memory is the matrix,
// the example index and one batch, whatever the number of examples.
import { HOURS_PER_DAY, softHourLabel } from "../core/hours";
import { toScaling, writeExample, type VisitMatrix } from "../features/window-writer";
import type { Normalisation } from "../features/normalisation";
import { CURRENT_COLUMNS, STEP_COLUMNS } from "../features/features";
import type { BatchOptions, BatchSource, TrainingBatch } from "../model/batch";
import type { SplitIndex } from "./dataset";

/** 24 soft labels (one per target hour), 24 values each. */
function labelTable(sigmaHours: number): Float32Array {
  const table = new Float32Array(HOURS_PER_DAY * HOURS_PER_DAY);
  for (let hour = 0; hour < HOURS_PER_DAY; hour++) {
    table.set(softHourLabel(hour, sigmaHours), hour * HOURS_PER_DAY);
  }
  return table;
}

/** The examples at `positions` of `index` (a cross-validation fold of the train split, say). */
export function subsetIndex(index: SplitIndex, positions: Uint32Array): SplitIndex {
  const baselines = new Uint8Array(positions.length * 3);
  positions.forEach((i, j) => baselines.set(index.baselines.subarray(i * 3, i * 3 + 3), j * 3));
  return {
    rows: positions.map((i) => index.rows[i]!),
    firsts: positions.map((i) => index.firsts[i]!),
    targets: Uint8Array.from(positions, (i) => index.targets[i]!),
    baselines,
  };
}

/** The examples of `index` as a BatchSource. */
export class WindowBatchSource implements BatchSource {
  readonly length: number;
  readonly targets: Uint8Array;
  private readonly rows: Uint32Array;
  private readonly firsts: Uint32Array;

  constructor(
    private readonly visits: VisitMatrix,
    index: Pick<SplitIndex, "rows" | "firsts" | "targets">,
    private readonly historyLength: number,
    private readonly normalisation: Normalisation,
  ) {
    this.rows = index.rows;
    this.firsts = index.firsts;
    this.targets = index.targets;
    this.length = this.rows.length;
  }

  /** Target days in source order. */
  targetDays(): Int32Array {
    return Int32Array.from(this.rows, (row) => this.visits.days[row]!);
  }

  *batches(options: BatchOptions): Iterable<TrainingBatch> {
    const { batchSize } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new Error(`batchSize must be >= 1, got ${batchSize}`);
    const order = options.order;
    if (order && order.length !== this.length) {
      throw new Error(`order has ${order.length} entries for ${this.length} examples`);
    }
    const scaling = toScaling(this.normalisation);
    const labels = labelTable(options.labelSigmaHours);
    const capacity = Math.min(batchSize, Math.max(this.length, 1));
    const steps = this.historyLength;
    const batch: TrainingBatch = {
      size: 0,
      steps,
      stepWidth: STEP_COLUMNS.length,
      currentWidth: CURRENT_COLUMNS.length,
      sequence: new Float32Array(capacity * steps * STEP_COLUMNS.length),
      current: new Float32Array(capacity * CURRENT_COLUMNS.length),
      labels: new Float32Array(capacity * HOURS_PER_DAY),
    };
    for (let start = 0; start < this.length; start += batchSize) {
      batch.size = Math.min(batchSize, this.length - start);
      for (let b = 0; b < batch.size; b++) {
        const example = order ? order[start + b]! : start + b;
        const row = this.rows[example]!;
        writeExample(batch, b, this.visits, this.firsts[example]!, row, this.visits.days[row]!, scaling);
        const target = this.targets[example]!;
        batch.labels.set(
          labels.subarray(target * HOURS_PER_DAY, (target + 1) * HOURS_PER_DAY),
          b * HOURS_PER_DAY,
        );
      }
      yield batch;
    }
  }
}
