// Standardisation of the scaled feature columns, fitted on the training split only and saved with the
// preprocess output and the model, so that train, evaluate and serve transform features identically.
import {
  CURRENT_COLUMNS,
  encodeCurrent,
  type FeatureColumn,
  type Features,
  log1pWhole,
  STEP_COLUMNS,
  VISIT_WIDTH,
  weekdayOf,
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

// Copied once: an imported binding is a property read on every use in a hot loop.
const weekdayOfDay = weekdayOf;

/** log1p of a whole-day gap (looked up: a window rarely spans more than a year). */
const log1pDays = log1pWhole;

/**
 * The statistics fitNormalisation computes from the examples' windows, without building them: each visit's
 * features count once per window holding it (a difference array over the visit rows gives that weight);
 * the target-relative step columns (writeStepRelation's) and the current features (encodeCurrent's) are
 * summed per example from the days alone, the calendar part once per distinct target day.
 */
export function fitWindowNormalisation(
  readVisits: VisitFeatureReader,
  days: Int32Array,
  examples: WindowIndex,
  historyLength: number,
): Normalisation {
  const width = VISIT_WIDTH;
  const stepWidth = STEP_COLUMNS.length;
  const weights = new Int32Array(days.length + 1);
  const stepSum = new Float64Array(stepWidth);
  const stepSquares = new Float64Array(stepWidth);
  const currentSum = new Float64Array(CURRENT_COLUMNS.length);
  const currentSquares = new Float64Array(CURRENT_COLUMNS.length);
  // Sums of the relation columns: log days before D (and squares), same weekday, same day type.
  let gapLogs = 0;
  let gapLogSquares = 0;
  let sameWeekday = 0;
  let sameDayType = 0;
  let sinceLastLogs = 0;
  let sinceLastLogSquares = 0;
  /** Examples per target day, for the calendar part of the current features. */
  const targetDays = new Map<number, number>();
  let steps = 0;
  let firstRow = days.length;
  let endRow = 0;
  const count = examples.rows.length;
  const { rows, firsts } = examples;
  for (let i = 0; i < count; i++) {
    const end = rows[i]!;
    const start = Math.max(firsts[i]!, end - historyLength);
    weights[start]! += 1;
    weights[end]! -= 1;
    if (start < firstRow) firstRow = start;
    if (end > endRow) endRow = end;
    steps += end - start;
    const targetDay = days[end]!;
    const targetWeekend = weekdayOfDay(targetDay) >= 5;
    for (let row = start; row < end; row++) {
      const gap = targetDay - days[row]!;
      const log = log1pDays(gap);
      gapLogs += log;
      gapLogSquares += log * log;
      if (gap % 7 === 0) sameWeekday++;
      if (weekdayOfDay(days[row]!) >= 5 === targetWeekend) sameDayType++;
    }
    const sinceLast = log1pDays(targetDay - days[end - 1]!);
    sinceLastLogs += sinceLast;
    sinceLastLogSquares += sinceLast * sinceLast;
    targetDays.set(targetDay, (targetDays.get(targetDay) ?? 0) + 1);
  }
  stepSum[width] = gapLogs;
  stepSquares[width] = gapLogSquares;
  stepSum[width + 1] = stepSquares[width + 1] = sameWeekday;
  stepSum[width + 2] = stepSquares[width + 2] = sameDayType;
  stepSum[width + 3] = stepSquares[width + 3] = steps;
  for (const [targetDay, examplesOnDay] of targetDays) {
    // encodeCurrent's calendar columns do not depend on the last visit: the gap column is summed above.
    const current = encodeCurrent(targetDay, targetDay);
    for (let c = 0; c < current.length - 1; c++) {
      currentSum[c]! += examplesOnDay * current[c]!;
      currentSquares[c]! += examplesOnDay * current[c]! * current[c]!;
    }
  }
  currentSum[CURRENT_COLUMNS.length - 1] = sinceLastLogs;
  currentSquares[CURRENT_COLUMNS.length - 1] = sinceLastLogSquares;
  let weight = 0;
  for (let chunk = firstRow; chunk < endRow; chunk += READ_CHUNK_ROWS) {
    const chunkRows = Math.min(READ_CHUNK_ROWS, endRow - chunk);
    const values = readVisits(chunk, chunkRows);
    for (let r = 0; r < chunkRows; r++) {
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
