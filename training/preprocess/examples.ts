// Daily visits → training examples: for every visit with enough history before it, the features of that
// day, its first hour as the target and the baselines' predictions; then a time-based split.
import { formatDay } from "../core/dates";
import type { DailyVisit } from "../data/daily-visits";
import { buildFeatures, type Features } from "../features/features";
import { type BaselinePredictions, predictBaselines } from "./baselines";

export interface Example extends Features {
  userId: string;
  /** The target day D, `YYYY-MM-DD`. */
  date: string;
  day: number;
  /** first_hour of D, 0..23. */
  target: number;
  baselines: BaselinePredictions;
}

export interface ExampleOptions {
  /** K: the number of past visits in the sequence. */
  historyLength: number;
  /** Visits needed before D for D to become an example. */
  minHistory: number;
}

export function groupByUser(visits: readonly DailyVisit[]): Map<string, DailyVisit[]> {
  const byUser = new Map<string, DailyVisit[]>();
  for (const visit of visits) {
    const list = byUser.get(visit.userId);
    if (list) list.push(visit);
    else byUser.set(visit.userId, [visit]);
  }
  for (const list of byUser.values()) list.sort((a, b) => a.day - b.day);
  return byUser;
}

export function buildExamples(visits: readonly DailyVisit[], options: ExampleOptions): Example[] {
  const examples: Example[] = [];
  for (const [userId, history] of groupByUser(visits)) {
    for (let i = Math.max(1, options.minHistory); i < history.length; i++) {
      const target = history[i];
      if (target === undefined) continue;
      const before = history.slice(0, i);
      examples.push({
        userId,
        date: formatDay(target.day),
        day: target.day,
        target: target.firstHour,
        ...buildFeatures(before, target.day, options.historyLength),
        baselines: predictBaselines(before, target.day),
      });
    }
  }
  return examples;
}

export interface SplitOptions {
  validationFraction: number;
  testFraction: number;
}

export interface SplitBoundaries {
  firstDay: string;
  validationStart: string;
  testStart: string;
  lastDay: string;
}

export interface Split<T> {
  train: T[];
  validation: T[];
  test: T[];
  boundaries: SplitBoundaries;
}

/** Whole days [start, end) for the validation and test periods: the latest days are the test period. */
export function splitDays(
  firstDay: number,
  lastDay: number,
  options: SplitOptions,
): { validationStart: number; testStart: number } {
  const span = lastDay - firstDay + 1;
  const testDays = Math.max(1, Math.round(span * options.testFraction));
  const validationDays = Math.max(1, Math.round(span * options.validationFraction));
  const testStart = lastDay - testDays + 1;
  return { validationStart: testStart - validationDays, testStart };
}

/** Splits by target day: train < validation < test periods, so no example sees a later period's target. */
export function splitByTime<T extends { day: number }>(items: readonly T[], options: SplitOptions): Split<T> {
  let firstDay = Number.POSITIVE_INFINITY;
  let lastDay = Number.NEGATIVE_INFINITY;
  for (const item of items) {
    firstDay = Math.min(firstDay, item.day);
    lastDay = Math.max(lastDay, item.day);
  }
  const { validationStart, testStart } = splitDays(firstDay, lastDay, options);
  const split: Split<T> = {
    train: [],
    validation: [],
    test: [],
    boundaries: {
      firstDay: formatDay(firstDay),
      validationStart: formatDay(validationStart),
      testStart: formatDay(testStart),
      lastDay: formatDay(lastDay),
    },
  };
  for (const item of items) {
    if (item.day >= testStart) split.test.push(item);
    else if (item.day >= validationStart) split.validation.push(item);
    else split.train.push(item);
  }
  return split;
}
