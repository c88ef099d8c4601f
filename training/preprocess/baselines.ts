// The three baselines of docs/contracts.md ("Evaluation"), computed from the same history the model sees
// (all visits before D).
import { calendarParts } from "../core/dates";
import { circularMedianHour } from "../core/hours";
import type { DailyVisit } from "../data/daily-visits";

export const BASELINE_NAMES = [
  "last_visit_first_hour",
  "user_median_first_hour",
  "same_weekday_last_seen",
] as const;
export type BaselineName = (typeof BASELINE_NAMES)[number];
export type BaselinePredictions = Record<BaselineName, number>;

/** `history`: the user's visits before D, oldest first, at least one. */
export function predictBaselines(history: readonly DailyVisit[], targetDay: number): BaselinePredictions {
  const last = history[history.length - 1];
  if (last === undefined) throw new Error("baselines need at least one visit before the target day");
  const weekday = calendarParts(targetDay).dayOfWeek;
  let sameWeekday = last.firstHour;
  for (let i = history.length - 1; i >= 0; i--) {
    const visit = history[i];
    if (visit !== undefined && calendarParts(visit.day).dayOfWeek === weekday) {
      sameWeekday = visit.firstHour;
      break;
    }
  }
  return {
    last_visit_first_hour: last.firstHour,
    user_median_first_hour: circularMedianHour(history.map((visit) => visit.firstHour)),
    // Falls back to the last visit when the user was never seen on this weekday.
    same_weekday_last_seen: sameWeekday,
  };
}
