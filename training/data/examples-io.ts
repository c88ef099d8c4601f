// The preprocess output's JSON parts (normalisation.json, report.json), and readExamples: one split as
// Example objects with raw features, assembled from the compact dataset (dataset.ts). readExamples is for
// small data (tests, the old Example-based training loop until it takes BatchSources): it builds one object
// per example, which the scalable path (batch-source.ts) never does.
import { join } from "node:path";
import { z } from "zod";
import { formatDay } from "../core/dates";
import { InputError } from "../runtime/errors";
import { readJsonInput } from "../runtime/json-input";
import { CURRENT_COLUMNS, STEP_COLUMNS } from "../features/features";
import type { Normalisation } from "../features/normalisation";
import { allocateInputBatch, type Scaling, writeExample } from "../features/window-writer";
import type { Example } from "../preprocess/examples";
import { BASELINE_NAMES, type BaselinePredictions } from "../preprocess/baselines";
import { readDataset, type SplitName } from "./dataset";

export { SPLITS, type SplitName } from "./dataset";

export const NORMALISATION_FILE = "normalisation.json";
export const REPORT_FILE = "report.json";

/** No scaling: raw feature values, as the JSON-lines splits held them. */
const IDENTITY: Scaling = {
  stepMean: new Float64Array(STEP_COLUMNS.length),
  stepFactor: new Float64Array(STEP_COLUMNS.length).fill(1),
  currentMean: new Float64Array(CURRENT_COLUMNS.length),
  currentFactor: new Float64Array(CURRENT_COLUMNS.length).fill(1),
};

/** One split of the preprocess output as Example objects (raw features); see the file comment. */
export async function readExamples(dir: string, split: SplitName): Promise<Example[]> {
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
  return Promise.resolve(examples);
}

const statsSchema = z.object({ mean: z.array(z.number()), std: z.array(z.number()) });
const normalisationSchema = z.object({
  step: statsSchema.refine(
    (s) => s.mean.length === STEP_COLUMNS.length && s.std.length === STEP_COLUMNS.length,
  ),
  current: statsSchema.refine(
    (s) => s.mean.length === CURRENT_COLUMNS.length && s.std.length === CURRENT_COLUMNS.length,
  ),
});

export function readNormalisation(dir: string): Normalisation {
  const path = join(dir, NORMALISATION_FILE);
  const value = readJsonInput(path, "point this step at the preprocess output");
  const parsed = normalisationSchema.safeParse(value);
  if (!parsed.success) throw new InputError(`${path} does not match the feature columns of this version`);
  return parsed.data;
}
