// The /invocations request schema: {"instances": [{"date": "YYYY-MM-DD", "history": [<daily visits>]}]}.
// History entries use the daily-visits contract (the same schema preprocess applies to CSV rows).
import { z } from "zod";
import { formatDay, parseDay } from "../core/dates";
import { type DailyVisit, dailyVisitJson, describeIssue, typeError } from "../data/daily-visits";

export interface Instance {
  day: number;
  history: DailyVisit[];
}

export const MAX_HISTORY_VISITS = 2000;

/** Every date of a request (target and history) lies in this window: no user visited in year 9999. */
export const DATE_WINDOW = { first: "2000-01-01", last: "2099-12-31" } as const;
/** DATE_WINDOW as day numbers (core/dates.ts), for the checks that compare parsed days. */
export const DATE_WINDOW_DAYS = {
  first: parseDay(DATE_WINDOW.first) ?? 0,
  last: parseDay(DATE_WINDOW.last) ?? 0,
} as const;
/** The message of a date outside DATE_WINDOW, the same in every check of a request. */
export const OUTSIDE_WINDOW = `must be within ${DATE_WINDOW.first}..${DATE_WINDOW.last}`;
const { first: FIRST_DAY, last: LAST_DAY } = DATE_WINDOW_DAYS;

/** A JSON object (not an array, not null): what a request and each of its instances and visits must be. */
export const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The longest gap from the last history visit to the target date: a year. Past it the history says nothing
 * about the day asked for, and "days since the last visit" is far outside what the model was trained on.
 */
export const MAX_DAYS_AFTER_LAST_VISIT = 366;

export function requestSchema(maxInstances: number) {
  const instance = z
    .object(
      {
        date: z
          .string({ error: typeError("a date YYYY-MM-DD") })
          .refine((text) => parseDay(text) !== undefined, "must be a date YYYY-MM-DD")
          .refine((text) => {
            const day = parseDay(text) ?? FIRST_DAY;
            return day >= FIRST_DAY && day <= LAST_DAY;
          }, OUTSIDE_WINDOW),
        history: z
          .array(dailyVisitJson, { error: typeError("an array of daily visits") })
          .min(1, "must hold at least one daily visit before date")
          .max(MAX_HISTORY_VISITS, `must hold at most ${MAX_HISTORY_VISITS} daily visits`),
      },
      { error: typeError('an object {"date", "history"}') },
    )
    .superRefine((value, context) => {
      const day = parseDay(value.date) ?? Number.NaN;
      value.history.forEach((visit, i) => {
        const previous = value.history[i - 1];
        if (visit.day < FIRST_DAY) {
          context.addIssue({ code: "custom", path: ["history", i, "visit_date"], message: OUTSIDE_WINDOW });
        } else if (visit.day >= day) {
          context.addIssue({
            code: "custom",
            path: ["history", i, "visit_date"],
            message: "must be before date",
          });
        } else if (previous !== undefined && visit.day <= previous.day) {
          context.addIssue({
            code: "custom",
            path: ["history", i, "visit_date"],
            message: "history must be oldest first with one entry per day",
          });
        }
      });
      const last = value.history[value.history.length - 1];
      if (last !== undefined && day - last.day > MAX_DAYS_AFTER_LAST_VISIT) {
        context.addIssue({
          code: "custom",
          path: ["date"],
          message: `must be at most ${MAX_DAYS_AFTER_LAST_VISIT} days after the last history visit (${formatDay(last.day)})`,
        });
      }
    });
  return z.object(
    {
      instances: z
        .array(instance, { error: typeError("an array of instances") })
        .min(1, "must hold at least one instance")
        .max(maxInstances, `must hold at most ${maxInstances} instances per request`),
    },
    { error: typeError('an object {"instances": [...]}') },
  );
}

export type ParsedRequest = { ok: true; instances: Instance[] } | { ok: false; error: string };

/** The request parser of a server (the schema is built once, not per request). */
export function invocationParser(maxInstances: number): (body: unknown) => ParsedRequest {
  const schema = requestSchema(maxInstances);
  return (body) => {
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { ok: false, error: issue ? describeIssue(issue) : "invalid request" };
    }
    return {
      ok: true,
      instances: parsed.data.instances.map((instance) => ({
        day: parseDay(instance.date) ?? Number.NaN,
        history: instance.history,
      })),
    };
  };
}
