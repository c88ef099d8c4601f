import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { calendarParts, parseDay } from "../core/dates";
import type { DailyVisit } from "../data/daily-visits";
import { predictBaselines } from "../preprocess/baselines";
import { buildFeatures, CURRENT_COLUMNS, encodeVisit, STEP_COLUMNS } from "./features";
import { fitNormalisation, normaliseFeatures } from "./normalisation";

const day = (text: string) => parseDay(text)!;

function visit(
  date: string,
  firstHour: number,
  lastHour: number,
  extra: Partial<DailyVisit> = {},
): DailyVisit {
  return {
    userId: "u1",
    day: day(date),
    timeSpentSec: 60,
    pageViews: 4,
    typeViews: [1, 0, 2, 0],
    firstHour,
    lastHour,
    hoursVisited: 1,
    platform: "ios",
    ...extra,
  };
}

/** Named view of an encoded step, so the test reads like the hand computation. */
function stepByName(step: number[]): Record<string, number> {
  return Object.fromEntries(STEP_COLUMNS.map((column, i) => [column.name, step[i] ?? Number.NaN]));
}
function currentByName(current: number[]): Record<string, number> {
  return Object.fromEntries(CURRENT_COLUMNS.map((column, i) => [column.name, current[i] ?? Number.NaN]));
}

const close = (actual: number | undefined, expected: number, label: string) =>
  assert.ok(Math.abs((actual ?? Number.NaN) - expected) < 1e-9, `${label}: ${actual} != ${expected}`);

// A night owl over New Year: 2023-12-30 (Sat) 23h, 2023-12-31 (Sun) 0h..1h, 2024-01-01 (Mon) 23h.
const history = [
  visit("2023-12-30", 23, 23, {
    timeSpentSec: 120,
    pageViews: 3,
    typeViews: [0, 0, 0, 3],
    platform: "android",
  }),
  visit("2023-12-31", 0, 1, { hoursVisited: 2, platform: "web" }),
  visit("2024-01-01", 23, 23, { platform: "other" }),
];
const target = day("2024-01-03"); // Wednesday, 2 days after the last visit

describe("features of a hand-made history", () => {
  const features = buildFeatures(history, target, 5);

  it("pads short histories at the front with zero steps", () => {
    assert.equal(features.sequence.length, 5);
    assert.deepEqual(features.sequence[0], new Array(STEP_COLUMNS.length).fill(0));
    assert.deepEqual(features.sequence[1], new Array(STEP_COLUMNS.length).fill(0));
  });

  it("encodes the 13 historical features of each visit", () => {
    const first = stepByName(features.sequence[2]!);
    close(first["log_time_spent_sec"], Math.log(121), "time spent");
    close(first["log_page_views"], Math.log(4), "page views");
    close(first["log_type4_views"], Math.log(4), "type 4 views");
    close(first["log_type1_views"], 0, "type 1 views");
    close(first["first_hour_sin"], Math.sin((2 * Math.PI * 23) / 24), "first hour sin");
    close(first["first_hour_cos"], Math.cos((2 * Math.PI * 23) / 24), "first hour cos");
    close(first["hours_visited"], 1, "hours visited");
    close(first["weekday_sat"], 1, "Saturday");
    close(first["weekday_mon"], 0, "not Monday");
    close(first["day_of_month_sin"], Math.sin((2 * Math.PI * 29) / 31), "30th of a 31-day month");
    close(first["month_sin"], Math.sin((2 * Math.PI * 11) / 12), "December");
    close(first["month_cos"], Math.cos((2 * Math.PI * 11) / 12), "December");
    close(first["platform_android"], 1, "android");
    close(first["log_days_before_target"], Math.log1p(4), "4 days before the target");
    close(first["same_weekday_as_target"], 0, "Saturday is not Wednesday");
    close(first["same_day_type_as_target"], 0, "weekend vs weekday");
    close(first["present"], 1, "real step");
  });

  it("puts 23h and 0h next to each other on the hour circle (midnight wrap)", () => {
    const sat = stepByName(features.sequence[2]!);
    const sun = stepByName(features.sequence[3]!);
    const distance = Math.hypot(
      sat["first_hour_sin"]! - sun["first_hour_sin"]!,
      sat["first_hour_cos"]! - sun["first_hour_cos"]!,
    );
    close(distance, 2 * Math.sin(Math.PI / 24), "chord of one hour");
    close(sun["last_hour_sin"], Math.sin((2 * Math.PI * 1) / 24), "last hour 1");
    close(sun["hours_visited"], 2, "hours visited");
    close(sun["platform_web"], 1, "web");
  });

  it("crosses the month and year boundary", () => {
    const sun = stepByName(features.sequence[3]!);
    const mon = stepByName(features.sequence[4]!);
    close(sun["day_of_month_sin"], Math.sin((2 * Math.PI * 30) / 31), "31st");
    close(mon["day_of_month_sin"], 0, "1st of January");
    close(mon["day_of_month_cos"], 1, "1st of January");
    close(mon["month_sin"], 0, "January");
    close(mon["month_cos"], 1, "January");
    close(mon["weekday_mon"], 1, "Monday");
    close(mon["same_day_type_as_target"], 1, "both weekdays");
    close(mon["platform_other"], 1, "other");
    close(mon["log_days_before_target"], Math.log1p(2), "2 days before");
  });

  it("encodes the calendar of any day the same, first time and cached, inside and outside the cached days", () => {
    const columns = STEP_COLUMNS.map((column) => column.name);
    const at = (name: string) => columns.indexOf(name);
    // 1970 onwards is cached; before 1970 and after 2149 is computed each time.
    for (const date of [-800, -1, 0, 59, 19_782, 19_783, 20_147, 65_535, 65_536, 80_000, 19_782]) {
      for (let round = 0; round < 2; round++) {
        const step = encodeVisit({ ...history[0]!, day: date });
        const { dayOfWeek, dayOfMonth, daysInMonth, month } = calendarParts(date);
        const label = `day ${date}, round ${round}`;
        for (let weekday = 0; weekday < 7; weekday++) {
          assert.equal(step[at("weekday_mon") + weekday], weekday === dayOfWeek ? 1 : 0, label);
        }
        assert.equal(step[at("day_of_month_sin")], Math.sin((2 * Math.PI * (dayOfMonth - 1)) / daysInMonth));
        assert.equal(step[at("day_of_month_cos")], Math.cos((2 * Math.PI * (dayOfMonth - 1)) / daysInMonth));
        assert.equal(step[at("month_sin")], Math.sin((2 * Math.PI * (month - 1)) / 12), label);
        assert.equal(step[at("month_cos")], Math.cos((2 * Math.PI * (month - 1)) / 12), label);
      }
    }
  });

  it("computes the 3 current features of the target day", () => {
    const current = currentByName(features.current);
    close(current["target_weekday_wed"], 1, "Wednesday");
    close(current["target_day_of_month_sin"], Math.sin((2 * Math.PI * 2) / 31), "3rd of January");
    close(current["log_days_since_last_visit"], Math.log1p(2), "2 days since the last visit");
  });

  it("keeps only the last K visits", () => {
    const short = buildFeatures(history, target, 2);
    assert.equal(short.sequence.length, 2);
    assert.deepEqual(short.sequence[1], features.sequence[4]);
  });

  it("refuses histories that reach the target day or are out of order", () => {
    assert.throws(() => buildFeatures(history, day("2024-01-01"), 5), /before the target day/);
    assert.throws(() => buildFeatures([history[1]!, history[0]!], target, 5), /oldest first/);
    assert.throws(() => buildFeatures([], target, 5), /at least one visit/);
  });

  it("normalises real steps with train statistics and leaves padding at zero", () => {
    const stats = fitNormalisation([features]);
    const normalised = normaliseFeatures(features, stats);
    assert.deepEqual(normalised.sequence[0], new Array(STEP_COLUMNS.length).fill(0));
    const index = STEP_COLUMNS.findIndex((c) => c.name === "hours_visited");
    // hours visited of the three real steps: 1, 2, 1 → mean 4/3, population std sqrt(2/9)
    close(normalised.sequence[3]![index], (2 - 4 / 3) / Math.sqrt(2 / 9), "standardised hours visited");
    const oneHot = STEP_COLUMNS.findIndex((c) => c.name === "weekday_sun");
    close(normalised.sequence[3]![oneHot], 1, "one-hot columns are not scaled");
  });
});

describe("baselines of a hand-made history", () => {
  it("uses the last visit, the circular median and the last same weekday", () => {
    // Wednesday target; the history has one earlier Wednesday (2023-12-27) at 22h.
    const withWednesday = [visit("2023-12-27", 22, 22), ...history];
    assert.deepEqual(predictBaselines(withWednesday, target), {
      last_visit_first_hour: 23,
      user_median_first_hour: 23, // of 22, 23, 0, 23 on the circle (the arithmetic median would be 22.5)
      same_weekday_last_seen: 22,
    });
  });

  it("falls back to the last visit when the weekday was never seen", () => {
    assert.equal(predictBaselines(history, target).same_weekday_last_seen, 23);
  });
});
