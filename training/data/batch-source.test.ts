import assert from "node:assert/strict";
import { cpSync, statSync, truncateSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { HOURS_PER_DAY, softHourLabel } from "../core/hours";
import { buildFeatures, CURRENT_COLUMNS, STEP_COLUMNS } from "../features/features";
import { fitNormalisation, type Normalisation, normaliseFeatures } from "../features/normalisation";
import { allocateInputBatch, toScaling, visitMatrix, writeExample } from "../features/window-writer";
import { BASELINE_NAMES } from "../preprocess/baselines";
import { buildExamples, type Example, splitByTime } from "../preprocess/examples";
import { DEFAULT_PREPROCESS_OPTIONS, preprocess } from "../preprocess/preprocess";
import { generatedDailyVisits, tempDir } from "../test-support/fixtures";
import { WindowBatchSource } from "./batch-source";
import { readDataset, SPLITS } from "./dataset";
import { readNormalisation } from "./examples-io";
import { readDailyVisits } from "./read-daily-visits";

const OPTIONS = { ...DEFAULT_PREPROCESS_OPTIONS, historyLength: 6 };

function assertClose(actual: ArrayLike<number>, expected: readonly number[], what: string, tolerance = 2e-5) {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) {
    const difference = Math.abs(actual[i]! - expected[i]!);
    assert.ok(
      difference <= tolerance * Math.max(1, Math.abs(expected[i]!)),
      `${what}[${i}]: ${actual[i]} vs ${expected[i]}`,
    );
  }
}

/** Example b of a time-major batch as per-step rows. */
function exampleOf(
  batch: { size: number; steps: number; stepWidth: number; sequence: Float32Array },
  b: number,
) {
  return Array.from({ length: batch.steps }, (_, t) =>
    Array.from(
      batch.sequence.subarray(
        (t * batch.size + b) * batch.stepWidth,
        (t * batch.size + b + 1) * batch.stepWidth,
      ),
    ),
  );
}

describe("the compact dataset and its batches", () => {
  let output: string;
  let reference: { split: Record<(typeof SPLITS)[number], Example[]>; normalisation: Normalisation };
  let csv: string;

  before(async () => {
    const dir = tempDir();
    csv = await generatedDailyVisits(join(dir, "input"), { users: 14, days: 75, seed: 5 });
    output = join(dir, "out");
    await preprocess({ input: csv, output, ...OPTIONS });
    // Today's path, kept as the reference: one Example per day from buildFeatures, split, normalisation.
    const { visits } = readDailyVisits(csv);
    const split = splitByTime(buildExamples(visits, OPTIONS), OPTIONS);
    reference = { split, normalisation: fitNormalisation(split.train) };
  });

  it("fits the normalisation today's path fits, from the windows it never builds", () => {
    const written = readNormalisation(output);
    assertClose(written.step.mean, reference.normalisation.step.mean, "step mean", 1e-6);
    assertClose(written.step.std, reference.normalisation.step.std, "step std", 1e-6);
    assertClose(written.current.mean, reference.normalisation.current.mean, "current mean", 1e-6);
    assertClose(written.current.std, reference.normalisation.current.std, "current std", 1e-6);
  });

  it("assembles, in any order, the normalised features, labels and baselines of buildFeatures", () => {
    const dataset = readDataset(output);
    const normalisation = readNormalisation(output);
    for (const name of SPLITS) {
      const expected = reference.split[name];
      const index = dataset.splits[name];
      const source = new WindowBatchSource(dataset.visits, index, dataset.historyLength, normalisation);
      assert.equal(source.length, expected.length, name);
      assert.deepEqual(
        Array.from(source.targets),
        expected.map((example) => example.target),
        name,
      );
      assert.deepEqual(
        Array.from(source.targetDays()),
        expected.map((example) => example.day),
        name,
      );
      expected.forEach((example, i) => {
        const baselines = BASELINE_NAMES.map((baseline) => example.baselines[baseline]);
        assert.deepEqual(Array.from(index.baselines.subarray(i * 3, i * 3 + 3)), baselines, `${name} ${i}`);
      });
      // Reversed order, batches of 7 (the last one short): row b of a batch is example order[start + b].
      const order = Uint32Array.from({ length: source.length }, (_, i) => source.length - 1 - i);
      let start = 0;
      const sigma = 1.5;
      for (const batch of source.batches({ batchSize: 7, labelSigmaHours: sigma, order })) {
        assert.equal(batch.stepWidth, STEP_COLUMNS.length);
        assert.equal(batch.currentWidth, CURRENT_COLUMNS.length);
        for (let b = 0; b < batch.size; b++) {
          const example = expected[order[start + b]!]!;
          const features = normaliseFeatures(example, normalisation);
          exampleOf(batch, b).forEach((step, t) =>
            assertClose(step, features.sequence[t]!, `${name} step ${t}`),
          );
          const current = batch.current.subarray(b * batch.currentWidth, (b + 1) * batch.currentWidth);
          assertClose(current, features.current, `${name} current`);
          const label = batch.labels.subarray(b * HOURS_PER_DAY, (b + 1) * HOURS_PER_DAY);
          assertClose(label, softHourLabel(example.target, sigma), `${name} label`, 1e-6);
        }
        start += batch.size;
      }
      assert.equal(start, source.length);
    }
  });

  it("writes a serving request's features with the same writer (one copy of the window logic)", () => {
    const { visits } = readDailyVisits(csv);
    const user = visits.filter((visit) => visit.userId === visits[0]!.userId);
    const history = user.slice(0, 9);
    const targetDay = user[9]!.day;
    const normalisation = readNormalisation(output);
    const batch = allocateInputBatch(1, 6);
    writeExample(batch, 0, visitMatrix(history), 0, history.length, targetDay, toScaling(normalisation));
    const features = normaliseFeatures(buildFeatures(history, targetDay, 6), normalisation);
    exampleOf(batch, 0).forEach((step, t) => assertClose(step, features.sequence[t]!, `step ${t}`));
    assertClose(batch.current, features.current, "current");
  });

  it("stores each visit's features once and fails naming a damaged file", () => {
    const dataset = readDataset(output);
    const { visits } = readDailyVisits(csv);
    assert.equal(dataset.visits.days.length, visits.length);
    assert.equal(dataset.visits.features.length, visits.length * (STEP_COLUMNS.length - 4));
    const damaged = join(tempDir(), "damaged");
    cpSync(output, damaged, { recursive: true });
    const days = join(damaged, "visit-days.i32");
    truncateSync(days, statSync(days).size - 4);
    assert.throws(() => readDataset(damaged), /visit-days\.i32 holds \d+ bytes but dataset\.json says/);
  });
});
