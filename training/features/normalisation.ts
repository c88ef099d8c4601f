// Standardisation of the scaled feature columns, fitted on the training split only and saved with the
// preprocess output and the model, so that train, evaluate and serve transform features identically.
import {
  CURRENT_COLUMNS,
  encodeCurrent,
  type FeatureColumn,
  type Features,
  STEP_COLUMNS,
  VISIT_WIDTH,
  writeStepRelation,
} from "./features";

export interface ColumnStats {
  mean: number[];
  std: number[];
}

export interface Normalisation {
  step: ColumnStats;
  current: ColumnStats;
}

const PRESENT = STEP_COLUMNS.findIndex((column) => column.name === "present");

function fitColumns(columns: readonly FeatureColumn[], rows: Iterable<readonly number[]>): ColumnStats {
  const sum = new Float64Array(columns.length);
  const squares = new Float64Array(columns.length);
  let count = 0;
  for (const row of rows) {
    count++;
    row.forEach((value, i) => {
      sum[i]! += value;
      squares[i]! += value * value;
    });
  }
  return statsFromSums(columns, sum, squares, count);
}

/** Mean and standard deviation of the scaled columns from sums over `count` rows (others: 0 and 1). */
function statsFromSums(
  columns: readonly FeatureColumn[],
  sum: Float64Array,
  squares: Float64Array,
  count: number,
): ColumnStats {
  const mean = columns.map((column, i) => (column.scaled && count > 0 ? sum[i]! / count : 0));
  const std = columns.map((column, i) => {
    if (!column.scaled || count === 0) return 1;
    const m = mean[i]!;
    const variance = squares[i]! / count - m * m;
    return variance > 1e-12 ? Math.sqrt(variance) : 1;
  });
  return { mean, std };
}

function* presentSteps(examples: readonly Features[]): Generator<number[]> {
  for (const example of examples) {
    for (const step of example.sequence) if (step[PRESENT] === 1) yield step;
  }
}

export function fitNormalisation(trainExamples: readonly Features[]): Normalisation {
  return {
    step: fitColumns(STEP_COLUMNS, presentSteps(trainExamples)),
    current: fitColumns(
      CURRENT_COLUMNS,
      trainExamples.map((example) => example.current),
    ),
  };
}

function standardise(row: readonly number[], stats: ColumnStats): number[] {
  return row.map((value, i) => (value - (stats.mean[i] ?? 0)) / (stats.std[i] ?? 1));
}

/** Applies the statistics; padding steps stay all-zero so the model can tell them apart. */
export function normaliseFeatures(features: Features, normalisation: Normalisation): Features {
  return {
    sequence: features.sequence.map((step) =>
      step[PRESENT] === 1 ? standardise(step, normalisation.step) : step.map(() => 0),
    ),
    current: standardise(features.current, normalisation.current),
  };
}

/** Reads raw visit feature rows [start, start + count) (VISIT_WIDTH values each). */
export type VisitFeatureReader = (start: number, count: number) => Float32Array;

/** The examples to fit on: example i has target visit rows[i] and history rows [firsts[i], rows[i]). */
export interface WindowIndex {
  rows: ArrayLike<number>;
  firsts: ArrayLike<number>;
}

const READ_CHUNK_ROWS = 65_536;

/**
 * The statistics fitNormalisation computes from the examples' windows, without building them: each visit's
 * features count once per window holding it (a difference array over the visit rows gives that weight),
 * the target-relative steps and the current features are summed per example from the days alone.
 */
export function fitWindowNormalisation(
  readVisits: VisitFeatureReader,
  days: Int32Array,
  examples: WindowIndex,
  historyLength: number,
): Normalisation {
  const width = VISIT_WIDTH;
  const weights = new Int32Array(days.length + 1);
  const stepSum = new Float64Array(STEP_COLUMNS.length);
  const stepSquares = new Float64Array(STEP_COLUMNS.length);
  const currentSum = new Float64Array(CURRENT_COLUMNS.length);
  const currentSquares = new Float64Array(CURRENT_COLUMNS.length);
  const relation = new Float64Array(STEP_COLUMNS.length);
  let steps = 0;
  let firstRow = days.length;
  let endRow = 0;
  const count = examples.rows.length;
  for (let i = 0; i < count; i++) {
    const end = examples.rows[i]!;
    const start = Math.max(examples.firsts[i]!, end - historyLength);
    weights[start]! += 1;
    weights[end]! -= 1;
    firstRow = Math.min(firstRow, start);
    endRow = Math.max(endRow, end);
    steps += end - start;
    const targetDay = days[end]!;
    for (let row = start; row < end; row++) {
      writeStepRelation(relation, width, days[row]!, targetDay);
      for (let f = width; f < STEP_COLUMNS.length; f++) {
        stepSum[f]! += relation[f]!;
        stepSquares[f]! += relation[f]! * relation[f]!;
      }
    }
    const current = encodeCurrent(targetDay, days[end - 1]!);
    current.forEach((value, c) => {
      currentSum[c]! += value;
      currentSquares[c]! += value * value;
    });
  }
  let weight = 0;
  for (let chunk = firstRow; chunk < endRow; chunk += READ_CHUNK_ROWS) {
    const rows = Math.min(READ_CHUNK_ROWS, endRow - chunk);
    const values = readVisits(chunk, rows);
    for (let r = 0; r < rows; r++) {
      weight += weights[chunk + r]!;
      if (weight === 0) continue;
      for (let f = 0; f < width; f++) {
        const value = values[r * width + f]!;
        stepSum[f]! += weight * value;
        stepSquares[f]! += weight * value * value;
      }
    }
  }
  return {
    step: statsFromSums(STEP_COLUMNS, stepSum, stepSquares, steps),
    current: statsFromSums(CURRENT_COLUMNS, currentSum, currentSquares, count),
  };
}
