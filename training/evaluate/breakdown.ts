// Where the errors are: the model's and the best baseline's circular MAE by the hour the user actually
// opened the app and by the day of week of the target day, for the run report's charts.
import { calendarParts } from "../core/dates";
import { circularHourDistance } from "../core/hours";

export interface ErrorSlice {
  /** Hour of day 0..23, or day of week 0 = Monday … 6 = Sunday. */
  key: number;
  n: number;
  /** Circular MAE of the model's predictions, hours. */
  model_mae: number;
  /** Circular MAE of the best baseline's predictions, hours. */
  baseline_mae: number;
}

export interface ErrorBreakdown {
  /** By the target's (actual) first hour. */
  error_by_hour: ErrorSlice[];
  /** By the target day's day of week (0 = Monday). */
  error_by_weekday: ErrorSlice[];
}

/** The test examples column-wise, in prediction order. */
export interface ScoredColumns {
  /** Actual first hour of each example's target day. */
  targets: ArrayLike<number>;
  /** Target day of each example (days since the epoch). */
  days: ArrayLike<number>;
  /** The best baseline's predicted hour for each example. */
  baseline: ArrayLike<number>;
}

function slices(columns: ScoredColumns, predicted: ArrayLike<number>, keys: ArrayLike<number>): ErrorSlice[] {
  const sums = new Map<number, { n: number; model: number; baseline: number }>();
  for (let index = 0; index < predicted.length; index += 1) {
    const key = keys[index] ?? Number.NaN;
    const target = columns.targets[index] ?? Number.NaN;
    const sum = sums.get(key) ?? { n: 0, model: 0, baseline: 0 };
    sum.n += 1;
    sum.model += circularHourDistance(predicted[index] ?? Number.NaN, target);
    sum.baseline += circularHourDistance(columns.baseline[index] ?? Number.NaN, target);
    sums.set(key, sum);
  }
  const round = (value: number) => Number(value.toFixed(4));
  return [...sums.entries()]
    .sort(([a], [b]) => a - b)
    .map(([key, sum]) => ({
      key,
      n: sum.n,
      model_mae: round(sum.model / sum.n),
      baseline_mae: round(sum.baseline / sum.n),
    }));
}

export function errorBreakdown(columns: ScoredColumns, predicted: ArrayLike<number>): ErrorBreakdown {
  const n = columns.targets.length;
  if (predicted.length !== n || columns.days.length !== n || columns.baseline.length !== n) {
    throw new Error(
      `need one prediction, day and baseline per example (got ${predicted.length} predictions, ` +
        `${columns.days.length} days, ${columns.baseline.length} baselines for ${n} examples)`,
    );
  }
  const weekdays = Array.from(columns.days, (day) => calendarParts(day).dayOfWeek);
  return {
    error_by_hour: slices(columns, predicted, columns.targets),
    error_by_weekday: slices(columns, predicted, weekdays),
  };
}
