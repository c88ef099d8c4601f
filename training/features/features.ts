// The seed's features for one user and target day D, computed from the daily visits before D.
// A step = encodeVisit (the visit alone; sql/visit-features.sql computes the same columns for preprocess)
// + writeStepRelation (its relation to D, added when a window is assembled: window-writer.ts).
// buildFeatures composes them per example; tests check the SQL and the batcher against it.
import { type CalendarParts, calendarParts } from "../core/dates";
import { hourToSinCos } from "../core/hours";
import { type DailyVisit, PLATFORMS } from "../data/daily-visits";

/** A numeric input column; `scaled` columns are standardised with train statistics, the rest are kept. */
export interface FeatureColumn {
  name: string;
  scaled: boolean;
}

const oneHotColumns = (prefix: string, labels: readonly string[]): FeatureColumn[] =>
  labels.map((label) => ({ name: `${prefix}_${label}`, scaled: false }));
const circleColumns = (name: string): FeatureColumn[] => [
  { name: `${name}_sin`, scaled: false },
  { name: `${name}_cos`, scaled: false },
];
const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

/**
 * One step of the history sequence: the 13 historical features of a past visit (time spent, page views,
 * type 1..4 views, first hour, last hour, hours visited, day of week, day of month, month, platform),
 * encoded (hours, day of month and month on circles, weekday and platform one-hot), plus the step's
 * relation to D (days before D, same weekday as D, both weekend or both weekday days) and a flag that
 * tells real steps from the zero padding of short histories.
 */
export const STEP_COLUMNS: readonly FeatureColumn[] = [
  { name: "log_time_spent_sec", scaled: true },
  { name: "log_page_views", scaled: true },
  { name: "log_type1_views", scaled: true },
  { name: "log_type2_views", scaled: true },
  { name: "log_type3_views", scaled: true },
  { name: "log_type4_views", scaled: true },
  ...circleColumns("first_hour"),
  ...circleColumns("last_hour"),
  { name: "hours_visited", scaled: true },
  ...oneHotColumns("weekday", WEEKDAYS),
  ...circleColumns("day_of_month"),
  ...circleColumns("month"),
  ...oneHotColumns("platform", PLATFORMS),
  { name: "log_days_before_target", scaled: true },
  { name: "same_weekday_as_target", scaled: false },
  { name: "same_day_type_as_target", scaled: false },
  { name: "present", scaled: false },
];

/** The 3 current features of D: day of week, day of month, days since the last visit before D. */
export const CURRENT_COLUMNS: readonly FeatureColumn[] = [
  ...oneHotColumns("target_weekday", WEEKDAYS),
  ...circleColumns("target_day_of_month"),
  { name: "log_days_since_last_visit", scaled: true },
];

export interface Features {
  /** historyLength steps, oldest first; short histories are padded with zero steps at the front. */
  sequence: number[][];
  current: number[];
}

function oneHot(index: number, size: number): number[] {
  const vector = new Array<number>(size).fill(0);
  vector[index] = 1;
  return vector;
}

/** The day of the month on a circle of the month's length. */
const dayOfMonthAngle = ({ dayOfMonth, daysInMonth }: CalendarParts) =>
  (2 * Math.PI * (dayOfMonth - 1)) / daysInMonth;

export function dayOfMonthOnCircle(day: number): [number, number] {
  const angle = dayOfMonthAngle(calendarParts(day));
  return [Math.sin(angle), Math.cos(angle)];
}

const isWeekend = (dayOfWeek: number) => dayOfWeek >= 5;

/** Day of week of a day number, 0 = Monday (1970-01-01 was a Thursday), without a Date object. */
export const weekdayOf = (day: number) => (((day + 3) % 7) + 7) % 7;

/** The step columns that describe the visit alone (all but the last four, which relate it to D). */
export const VISIT_WIDTH = STEP_COLUMNS.length - 4;

/** A visit's target-independent step features (the first VISIT_WIDTH step columns). */
export function encodeVisit(visit: DailyVisit): number[] {
  const step = new Array<number>(VISIT_WIDTH);
  writeVisit(step, 0, visit);
  return step;
}

// Imported bindings read once: in the CommonJS that tsx runs, every read of an import is a getter call, and
// writeVisit runs for every visit of every request the endpoint answers.
const calendarOfDay = calendarParts;
const platformList: readonly string[] = PLATFORMS;
/** hourToSinCos of the whole hours 0..23 (the values it gives; other hours are computed). */
const WHOLE_HOURS_ON_CIRCLE = Array.from({ length: 24 }, (_, hour) => hourToSinCos(hour));
const hourOnCircle = (hour: number): readonly [number, number] =>
  WHOLE_HOURS_ON_CIRCLE[hour] ?? hourToSinCos(hour);

/** log1p of the whole numbers 0 .. 1023 (view counts, day gaps), the very values Math.log1p gives. */
const LOG1P_WHOLE = Float64Array.from({ length: 1024 }, (_, n) => Math.log1p(n));

/**
 * Math.log1p(value), looked up for a whole number below 1024: the step features take it of five view counts
 * per visit and the day gap per step, for every visit of every request the endpoint answers.
 */
export function log1pWhole(value: number): number {
  return value >= 0 && value < 1024 && (value | 0) === value ? LOG1P_WHOLE[value]! : Math.log1p(value);
}

/** Day numbers 0 .. CACHED_DAYS - 1 (1970 to 2149) whose calendar features are kept once computed. */
const CACHED_DAYS = 65_536;
/** Per day: day of week, then sin and cos of the day of the month and of the month; NaN until computed. */
const CALENDAR_WIDTH = 5;
let calendarCache: Float64Array | undefined;

/**
 * Where a day's calendar features are in the cache (computed on first use): a request's visits fall on a few
 * hundred distinct days, and these were a third of encoding a visit. Other days go to a scratch slot.
 */
function calendarAt(day: number): number {
  // About 2.6 MB, allocated by the first caller (the endpoint's workers, preprocess's tests).
  const cache = (calendarCache ??= new Float64Array((CACHED_DAYS + 1) * CALENDAR_WIDTH).fill(Number.NaN));
  const cached = Number.isInteger(day) && day >= 0 && day < CACHED_DAYS;
  const at = (cached ? day : CACHED_DAYS) * CALENDAR_WIDTH;
  if (cached && !Number.isNaN(cache[at]!)) return at;
  const calendar = calendarOfDay(day);
  const dayAngle = dayOfMonthAngle(calendar);
  const monthAngle = (2 * Math.PI * (calendar.month - 1)) / 12;
  cache[at] = calendar.dayOfWeek;
  cache[at + 1] = Math.sin(dayAngle);
  cache[at + 2] = Math.cos(dayAngle);
  cache[at + 3] = Math.sin(monthAngle);
  cache[at + 4] = Math.cos(monthAngle);
  return at;
}

/**
 * Writes encodeVisit's values at `offset` without allocating: the endpoint encodes every visit of every request
 * straight into its reused arrays.
 */
export function writeVisit(out: { [index: number]: number }, offset: number, visit: DailyVisit): void {
  const calendar = calendarAt(visit.day);
  const cache = calendarCache!;
  const dayOfWeek = cache[calendar]!;
  let at = offset;
  out[at++] = Math.log1p(visit.timeSpentSec);
  out[at++] = log1pWhole(visit.pageViews);
  for (let type = 0; type < 4; type++) out[at++] = log1pWhole(visit.typeViews[type]!);
  const first = hourOnCircle(visit.firstHour);
  out[at++] = first[0];
  out[at++] = first[1];
  const last = hourOnCircle(visit.lastHour);
  out[at++] = last[0];
  out[at++] = last[1];
  out[at++] = visit.hoursVisited;
  for (let weekday = 0; weekday < 7; weekday++) out[at++] = weekday === dayOfWeek ? 1 : 0;
  for (let k = 1; k < CALENDAR_WIDTH; k++) out[at++] = cache[calendar + k]!;
  const platform = platformList.indexOf(visit.platform);
  for (let p = 0; p < platformList.length; p++) out[at++] = p === platform ? 1 : 0;
}

/**
 * Writes the step's relation to D (the last four step columns: log days before D, same weekday, same day
 * type, present) at `offset`; the batcher calls it for every window step, so it allocates nothing.
 */
export function writeStepRelation(
  out: { [index: number]: number },
  offset: number,
  visitDay: number,
  targetDay: number,
): void {
  const visitWeekday = weekdayOf(visitDay);
  const targetWeekday = weekdayOf(targetDay);
  out[offset] = log1pWhole(targetDay - visitDay);
  out[offset + 1] = visitWeekday === targetWeekday ? 1 : 0;
  out[offset + 2] = isWeekend(visitWeekday) === isWeekend(targetWeekday) ? 1 : 0;
  out[offset + 3] = 1;
}

export function encodeStep(visit: DailyVisit, targetDay: number): number[] {
  const step = encodeVisit(visit);
  writeStepRelation(step, VISIT_WIDTH, visit.day, targetDay);
  return step;
}

export function encodeCurrent(targetDay: number, lastVisitDay: number): number[] {
  return [
    ...oneHot(weekdayOf(targetDay), 7),
    ...dayOfMonthOnCircle(targetDay),
    Math.log1p(targetDay - lastVisitDay),
  ];
}

/**
 * Features for target day D from a user's visits before D, oldest first. Throws when the history is
 * empty, unordered or reaches D: callers check their input (preprocess by construction, serve by schema).
 */
export function buildFeatures(
  history: readonly DailyVisit[],
  targetDay: number,
  historyLength: number,
): Features {
  const last = history[history.length - 1];
  if (last === undefined) throw new Error("features need at least one visit before the target day");
  for (let i = 0; i < history.length; i++) {
    const visit = history[i];
    const previous = history[i - 1];
    if (
      visit === undefined ||
      visit.day >= targetDay ||
      (previous !== undefined && previous.day >= visit.day)
    ) {
      throw new Error("history must be oldest first, one visit per day, all before the target day");
    }
  }
  const recent = history.slice(-historyLength);
  const padding = Array.from({ length: historyLength - recent.length }, () =>
    new Array<number>(STEP_COLUMNS.length).fill(0),
  );
  return {
    sequence: [...padding, ...recent.map((visit) => encodeStep(visit, targetDay))],
    current: encodeCurrent(targetDay, last.day),
  };
}
