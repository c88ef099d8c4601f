// The /invocations request schema: {"instances": [{"date": "YYYY-MM-DD", "history": [<daily visits>]}]}.
// History entries use the daily-visits contract (the same schema preprocess applies to CSV rows).
import { z } from "zod";
import { parseDay } from "../core/dates";
import { type DailyVisit, dailyVisitJson, describeIssue, typeError } from "../data/daily-visits";

export interface Instance {
  day: number;
  history: DailyVisit[];
}

export const MAX_HISTORY_VISITS = 2000;

export function requestSchema(maxInstances: number) {
  const instance = z
    .object(
      {
        date: z
          .string({ error: typeError("a date YYYY-MM-DD") })
          .refine((text) => parseDay(text) !== undefined, "must be a date YYYY-MM-DD"),
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
        if (visit.day >= day) {
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

export function parseInvocationRequest(body: unknown, maxInstances: number): ParsedRequest {
  const parsed = requestSchema(maxInstances).safeParse(body);
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
}
