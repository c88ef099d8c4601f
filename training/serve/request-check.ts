// The /invocations request check of the server's hot path: the same contract, the same result and the same
// first error message as the zod schema of request.ts (requestSchema, which stays the contract's reference
// and the unbatched baseline's parser), written out by hand because zod costs ~200 µs per instance of 14
// visits and this ~2 µs. The order of the checks is zod's: fields in the schema's order, within a field its
// checks in order, an object's refinements after its fields; the first failure is the answer.
// request-check.test.ts compares the two on generated valid and broken requests.
import { formatDay, parseDay } from "../core/dates";
import { DAILY_VISIT_LIMITS, type DailyVisit, normalisePlatform } from "../data/daily-visits";
import {
  DATE_WINDOW_DAYS,
  type Instance,
  isJsonObject,
  MAX_DAYS_AFTER_LAST_VISIT,
  MAX_HISTORY_VISITS,
  OUTSIDE_WINDOW,
  type ParsedRequest,
} from "./request";

const { first: FIRST_DAY, last: LAST_DAY } = DATE_WINDOW_DAYS;
const MAX_VIEWS = `must be <= ${DAILY_VISIT_LIMITS.views.toLocaleString("en-US")}`;
const MAX_TIME_SPENT = `must be <= ${DAILY_VISIT_LIMITS.timeSpentSec.toLocaleString("en-US")}`;
// Imported bindings read once: in the CommonJS that tsx runs, every read of an import is a getter call, and
// these run for every field of every visit.
const { views: MAX_VIEWS_VALUE, timeSpentSec: MAX_TIME_SPENT_VALUE } = DAILY_VISIT_LIMITS;
const dayOfText = parseDay;
const platformOfText = normalisePlatform;

type PathKey = string | number;

/** The first problem of a request: thrown to the top, where it becomes the 400's message. */
class Failure {
  constructor(
    readonly path: readonly PathKey[],
    readonly message: string,
  ) {}
}

/** `instances[0].history[2].first_hour`, as describeIssue writes a zod path. */
function describePath(path: readonly PathKey[]): string {
  let text = "";
  for (const key of path) text += typeof key === "number" ? `[${key}]` : text === "" ? key : `.${key}`;
  return text || "(root)";
}

/** typeError's message: "is required" for a missing value, else "must be …". */
const typeMessage = (value: unknown, expected: string) =>
  value === undefined || value === null ? "is required" : `must be ${expected}`;

const isObject = isJsonObject;

/** Where a visit's problems are reported: instances[i].history[j]. */
interface VisitPath {
  instance: number;
  visit: number;
}

const fail = (at: VisitPath, field: string, message: string) =>
  new Failure(["instances", at.instance, "history", at.visit, field], message);

function finiteNumber(value: unknown, at: VisitPath, field: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw fail(at, field, typeMessage(value, "a number"));
  }
  return value;
}

function text(value: unknown, at: VisitPath, field: string): string {
  if (typeof value !== "string") throw fail(at, field, typeMessage(value, "a string"));
  return value;
}

/** page_views, typeN_views: >= 0, <= the limit, whole (in this order; zod's int() means a safe integer). */
function views(value: unknown, at: VisitPath, field: string): number {
  const number = finiteNumber(value, at, field);
  if (number < 0) throw fail(at, field, "must be >= 0");
  if (number > MAX_VIEWS_VALUE) throw fail(at, field, MAX_VIEWS);
  if (!Number.isSafeInteger(number)) throw fail(at, field, "must be a whole number");
  return number;
}

function hour(value: unknown, at: VisitPath, field: string): number {
  const number = finiteNumber(value, at, field);
  if (!Number.isSafeInteger(number)) throw fail(at, field, "must be a whole hour");
  if (number < 0 || number > 23) throw fail(at, field, "must be 0..23");
  return number;
}

function dailyVisit(value: unknown, at: VisitPath): DailyVisit {
  if (!isObject(value)) {
    throw new Failure(
      ["instances", at.instance, "history", at.visit],
      typeMessage(value, "an object with the daily-visits columns"),
    );
  }
  let userId = "";
  if (value["user_id"] !== undefined) {
    userId = text(value["user_id"], at, "user_id").trim();
    if (userId.length < 1) throw fail(at, "user_id", "must not be empty");
  }
  const day = dayOfText(text(value["visit_date"], at, "visit_date"));
  if (day === undefined) throw fail(at, "visit_date", "must be a date YYYY-MM-DD");
  const timeSpentSec = finiteNumber(value["time_spent_sec"], at, "time_spent_sec");
  if (timeSpentSec < 0) throw fail(at, "time_spent_sec", "must be >= 0");
  if (timeSpentSec > MAX_TIME_SPENT_VALUE) throw fail(at, "time_spent_sec", MAX_TIME_SPENT);
  const pageViews = views(value["page_views"], at, "page_views");
  const typeViews: DailyVisit["typeViews"] = [
    views(value["type1_views"], at, "type1_views"),
    views(value["type2_views"], at, "type2_views"),
    views(value["type3_views"], at, "type3_views"),
    views(value["type4_views"], at, "type4_views"),
  ];
  const firstHour = hour(value["first_hour"], at, "first_hour");
  const lastHour = hour(value["last_hour"], at, "last_hour");
  const hoursVisited = finiteNumber(value["hours_visited"], at, "hours_visited");
  if (!Number.isSafeInteger(hoursVisited)) throw fail(at, "hours_visited", "must be a whole number");
  if (hoursVisited < 1 || hoursVisited > 24) throw fail(at, "hours_visited", "must be 1..24");
  const platform = platformOfText(text(value["platform"], at, "platform"));
  // The refinements across fields, after every field has passed.
  if (lastHour < firstHour) throw fail(at, "last_hour", "must be >= first_hour");
  if (hoursVisited > lastHour - firstHour + 1) {
    throw fail(at, "hours_visited", "must be <= last_hour - first_hour + 1");
  }
  if (typeViews[0] + typeViews[1] + typeViews[2] + typeViews[3] > pageViews) {
    throw fail(at, "page_views", "must be >= type1_views + … + type4_views");
  }
  return { userId, day, timeSpentSec, pageViews, typeViews, firstHour, lastHour, hoursVisited, platform };
}

function instance(value: unknown, index: number): Instance {
  const path = ["instances", index];
  if (!isObject(value)) throw new Failure(path, typeMessage(value, 'an object {"date", "history"}'));
  const date = value["date"];
  if (typeof date !== "string") throw new Failure([...path, "date"], typeMessage(date, "a date YYYY-MM-DD"));
  const day = parseDay(date);
  if (day === undefined) throw new Failure([...path, "date"], "must be a date YYYY-MM-DD");
  if (day < FIRST_DAY || day > LAST_DAY) throw new Failure([...path, "date"], OUTSIDE_WINDOW);
  const entries = value["history"];
  if (!Array.isArray(entries)) {
    throw new Failure([...path, "history"], typeMessage(entries, "an array of daily visits"));
  }
  // zod checks an array's upper bound before its entries, its lower bound after them.
  if (entries.length > MAX_HISTORY_VISITS) {
    throw new Failure([...path, "history"], `must hold at most ${MAX_HISTORY_VISITS} daily visits`);
  }
  const history = entries.map((entry, visit) => dailyVisit(entry, { instance: index, visit }));
  if (history.length < 1) {
    throw new Failure([...path, "history"], "must hold at least one daily visit before date");
  }
  // The instance's refinements: each visit against the window, the target date and the visit before it.
  for (let i = 0; i < history.length; i++) {
    const visitDay = history[i]!.day;
    const where = [...path, "history", i, "visit_date"];
    if (visitDay < FIRST_DAY) throw new Failure(where, OUTSIDE_WINDOW);
    if (visitDay >= day) throw new Failure(where, "must be before date");
    if (i > 0 && visitDay <= history[i - 1]!.day) {
      throw new Failure(where, "history must be oldest first with one entry per day");
    }
  }
  const last = history[history.length - 1]!.day;
  if (day - last > MAX_DAYS_AFTER_LAST_VISIT) {
    throw new Failure(
      [...path, "date"],
      `must be at most ${MAX_DAYS_AFTER_LAST_VISIT} days after the last history visit (${formatDay(last)})`,
    );
  }
  return { day, history };
}

/** The request checker of a server: the parsed JSON body → its instances, or the first problem's message. */
export function requestChecker(maxInstances: number): (body: unknown) => ParsedRequest {
  return (body) => {
    try {
      if (!isObject(body)) throw new Failure([], typeMessage(body, 'an object {"instances": [...]}'));
      const entries = body["instances"];
      if (!Array.isArray(entries)) {
        throw new Failure(["instances"], typeMessage(entries, "an array of instances"));
      }
      if (entries.length > maxInstances) {
        throw new Failure(["instances"], `must hold at most ${maxInstances} instances per request`);
      }
      const instances = entries.map(instance);
      if (instances.length < 1) throw new Failure(["instances"], "must hold at least one instance");
      return { ok: true, instances };
    } catch (error) {
      if (!(error instanceof Failure)) throw error;
      return { ok: false, error: `${describePath(error.path)}: ${error.message}` };
    }
  };
}
