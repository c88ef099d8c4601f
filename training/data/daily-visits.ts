// The daily-visits contract (the source SQL's result): one row per user and calendar day with hits.
// One zod schema checks both the CSV rows of preprocess and the JSON history of a serving request.
import { z } from "zod";
import { formatDay, parseDay } from "../core/dates";

export const PLATFORMS = ["ios", "android", "web", "other"] as const;
export type Platform = (typeof PLATFORMS)[number];

export const DAILY_VISIT_COLUMNS = [
  "user_id",
  "visit_date",
  "time_spent_sec",
  "page_views",
  "type1_views",
  "type2_views",
  "type3_views",
  "type4_views",
  "first_hour",
  "last_hour",
  "hours_visited",
  "platform",
] as const;

export interface DailyVisit {
  userId: string;
  /** Days since 1970-01-01. */
  day: number;
  timeSpentSec: number;
  pageViews: number;
  typeViews: [number, number, number, number];
  firstHour: number;
  lastHour: number;
  hoursVisited: number;
  platform: Platform;
}

export function normalisePlatform(value: string): Platform {
  const lower = value.trim().toLowerCase();
  return (PLATFORMS as readonly string[]).includes(lower) ? (lower as Platform) : "other";
}

/** CSV cells are text: a non-empty cell becomes a number, an empty one stays missing. */
function numberFromText(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : Number(trimmed);
}

/**
 * What no user's day holds. A serving request past these is refused with a 400 naming the field, rather than
 * scored on features far outside anything the model was trained on (log1p(1e308) is 709).
 */
export const DAILY_VISIT_LIMITS = {
  /** The seconds of one day: the day's total time on pages. */
  timeSpentSec: 86_400,
  /** More than one page a second for a whole day: page_views and each typeN_views. */
  views: 100_000,
} as const;

/** "is required" for a missing value (an empty CSV cell, an absent JSON key), else "must be a …". */
export function typeError(expected: string) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined || issue.input === null ? "is required" : `must be ${expected}`;
}

function dailyVisitSchema(options: { fromText: boolean; userIdRequired: boolean; bounded: boolean }) {
  const numeric = (schema: z.ZodNumber) => (options.fromText ? z.preprocess(numberFromText, schema) : schema);
  const number = () => z.number({ error: typeError("a number") });
  const text = () => z.string({ error: typeError("a string") });
  // The upper bound is checked before the whole-number check, so that 1e300 is told it is too large.
  const atMost = (schema: z.ZodNumber, limit: number) =>
    options.bounded ? schema.max(limit, `must be <= ${limit.toLocaleString("en-US")}`) : schema;
  const count = numeric(
    atMost(number().min(0, "must be >= 0"), DAILY_VISIT_LIMITS.views).int("must be a whole number"),
  );
  const hour = numeric(number().int("must be a whole hour").min(0, "must be 0..23").max(23, "must be 0..23"));
  const userId = text().trim().min(1, "must not be empty");
  return z
    .object(
      {
        user_id: options.userIdRequired ? userId : userId.optional(),
        visit_date: text().refine((value) => parseDay(value) !== undefined, "must be a date YYYY-MM-DD"),
        time_spent_sec: numeric(atMost(number().min(0, "must be >= 0"), DAILY_VISIT_LIMITS.timeSpentSec)),
        page_views: count,
        type1_views: count,
        type2_views: count,
        type3_views: count,
        type4_views: count,
        first_hour: hour,
        last_hour: hour,
        hours_visited: numeric(
          number().int("must be a whole number").min(1, "must be 1..24").max(24, "must be 1..24"),
        ),
        platform: text(),
      },
      { error: typeError("an object with the daily-visits columns") },
    )
    .refine((v) => v.last_hour >= v.first_hour, { path: ["last_hour"], message: "must be >= first_hour" })
    .refine((v) => v.hours_visited <= v.last_hour - v.first_hour + 1, {
      path: ["hours_visited"],
      message: "must be <= last_hour - first_hour + 1",
    })
    .refine((v) => v.type1_views + v.type2_views + v.type3_views + v.type4_views <= v.page_views, {
      path: ["page_views"],
      message: "must be >= type1_views + … + type4_views",
    })
    .transform((v): DailyVisit => ({
      userId: v.user_id ?? "",
      day: parseDay(v.visit_date) ?? Number.NaN,
      timeSpentSec: v.time_spent_sec,
      pageViews: v.page_views,
      typeViews: [v.type1_views, v.type2_views, v.type3_views, v.type4_views],
      firstHour: v.first_hour,
      lastHour: v.last_hour,
      hoursVisited: v.hours_visited,
      platform: normalisePlatform(v.platform),
    }));
}

/** A CSV row of daily visits (all cells text). */
export const dailyVisitCsvRow = dailyVisitSchema({ fromText: true, userIdRequired: true, bounded: false });
/** One history entry of a serving request (JSON numbers; user_id optional; DAILY_VISIT_LIMITS apply). */
export const dailyVisitJson = dailyVisitSchema({ fromText: false, userIdRequired: false, bounded: true });

/** `a.b[2].c: message` for the first problem of a failed parse, so a message names the field. */
export function describeIssue(issue: z.core.$ZodIssue, prefix = ""): string {
  let path = prefix;
  for (const key of issue.path) {
    path += typeof key === "number" ? `[${key}]` : path === "" ? String(key) : `.${String(key)}`;
  }
  return `${path || "(root)"}: ${issue.message}`;
}

/** A daily visit as a serving request's history entry (the inverse of dailyVisitJson, without user_id). */
export function dailyVisitToJson(visit: DailyVisit) {
  return {
    visit_date: formatDay(visit.day),
    time_spent_sec: visit.timeSpentSec,
    page_views: visit.pageViews,
    type1_views: visit.typeViews[0],
    type2_views: visit.typeViews[1],
    type3_views: visit.typeViews[2],
    type4_views: visit.typeViews[3],
    first_hour: visit.firstHour,
    last_hour: visit.lastHour,
    hours_visited: visit.hoursVisited,
    platform: visit.platform,
  };
}
