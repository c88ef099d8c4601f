// Standardisation of the scaled feature columns, fitted on the training split only and saved with the
// preprocess output and the model, so that train, evaluate and serve transform features identically.
import { CURRENT_COLUMNS, type FeatureColumn, type Features, STEP_COLUMNS } from "./features";

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
  const sum = new Array<number>(columns.length).fill(0);
  const squares = new Array<number>(columns.length).fill(0);
  let count = 0;
  for (const row of rows) {
    count++;
    row.forEach((value, i) => {
      sum[i] = (sum[i] ?? 0) + value;
      squares[i] = (squares[i] ?? 0) + value * value;
    });
  }
  const mean = columns.map((column, i) => (column.scaled && count > 0 ? (sum[i] ?? 0) / count : 0));
  const std = columns.map((column, i) => {
    if (!column.scaled || count === 0) return 1;
    const m = mean[i] ?? 0;
    const variance = (squares[i] ?? 0) / count - m * m;
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
