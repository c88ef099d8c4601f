// Tests read a split of the preprocess output as Example objects with raw features, to compare it with the
// reference path (buildExamples). One object per example: for small data only; the pipeline itself never
// builds them (training/data/batch-source.ts assembles batches from the per-visit matrix).
import { formatDay } from "../core/dates";
import { readDataset, type SplitName } from "../data/dataset";
import { CURRENT_COLUMNS, STEP_COLUMNS } from "../features/features";
import { allocateInputBatch, type Scaling, writeExample } from "../features/window-writer";
import { BASELINE_NAMES, type BaselinePredictions } from "../preprocess/baselines";
import type { Example } from "../preprocess/examples";

/** No scaling: the raw feature values. */
const IDENTITY: Scaling = {
  stepMean: new Float64Array(STEP_COLUMNS.length),
  stepFactor: new Float64Array(STEP_COLUMNS.length).fill(1),
  currentMean: new Float64Array(CURRENT_COLUMNS.length),
  currentFactor: new Float64Array(CURRENT_COLUMNS.length).fill(1),
};

/** One split of the preprocess output as Example objects (raw features). */
export function readExamples(dir: string, split: SplitName): Example[] {
  const dataset = readDataset(dir, [split]);
  const index = dataset.splits[split];
  const steps = dataset.historyLength;
  const batch = allocateInputBatch(1, steps);
  const examples: Example[] = [];
  for (let i = 0; i < index.rows.length; i++) {
    const row = index.rows[i]!;
    const day = dataset.visits.days[row]!;
    writeExample(batch, 0, dataset.visits, index.firsts[i]!, row, day, IDENTITY);
    const sequence = Array.from({ length: steps }, (_, t) =>
      Array.from(batch.sequence.subarray(t * batch.stepWidth, (t + 1) * batch.stepWidth)),
    );
    examples.push({
      // The user's first visit row identifies the user within this dataset (ids are not stored).
      userId: `user-row-${index.firsts[i]}`,
      date: formatDay(day),
      day,
      target: index.targets[i]!,
      sequence,
      current: Array.from(batch.current),
      baselines: Object.fromEntries(
        BASELINE_NAMES.map((name, k) => [name, index.baselines[i * 3 + k]!]),
      ) as BaselinePredictions,
    });
  }
  return examples;
}
