// The served path's reading of a parsed /invocations body straight into model inputs: one walk over the
// JSON.parse result that checks each field and writes the features of each instance's last visits into
// reused typed arrays, with no Instance or DailyVisit objects and no copy of the history (request-check.ts
// built both, then input-writer.ts encoded them: ~20 µs of the ~95 µs per instance the endpoint spent).
// It answers only bodies that pass every check of request-check.ts, which stays the path of every other
// body: given up on, a body is checked there, which names the first problem in its 400 exactly as before.
// request-reader.test.ts holds the two equal on generated valid and broken bodies.
import { parseDay } from "../core/dates";
import { DAILY_VISIT_LIMITS, type DailyVisit, normalisePlatform } from "../data/daily-visits";
import { VISIT_WIDTH, writeVisit } from "../features/features";
import type { Normalisation } from "../features/normalisation";
import {
  allocateInputBatch,
  type Scaling,
  toScaling,
  type VisitMatrix,
  writeExample,
} from "../features/window-writer";
import type { InputBatch } from "../model/batch";
import { DATE_WINDOW_DAYS, isJsonObject, MAX_DAYS_AFTER_LAST_VISIT, MAX_HISTORY_VISITS } from "./request";

const { first: FIRST_DAY, last: LAST_DAY } = DATE_WINDOW_DAYS;
// Imported bindings read once (in the CommonJS that tsx runs, every read of an import is a getter call).
const { views: MAX_VIEWS, timeSpentSec: MAX_TIME_SPENT } = DAILY_VISIT_LIMITS;
const MAX_VISITS = MAX_HISTORY_VISITS;
const MAX_GAP = MAX_DAYS_AFTER_LAST_VISIT;
const WIDTH = VISIT_WIDTH;
const writeVisitFeatures = writeVisit;
const dayOfText = parseDay;
const platformOfText = normalisePlatform;

const isObject = isJsonObject;

/** A count of views that request-check.ts accepts (a whole number, 0..the limit), else -1. */
const views = (value: unknown): number =>
  typeof value === "number" && value >= 0 && value <= MAX_VIEWS && Number.isSafeInteger(value) ? value : -1;

/** An hour that request-check.ts accepts (a whole number, 0..23), else -1. */
const hour = (value: unknown): number =>
  typeof value === "number" && value >= 0 && value <= 23 && Number.isSafeInteger(value) ? value : -1;

/**
 * Reads parsed request bodies into the model inputs of their instances (the normalised features that
 * RequestFeatureWriter writes for the instances request-check.ts returns), reusing its buffers from body to
 * body. One body at a time.
 */
export class RequestReader {
  private readonly scaling: Scaling;
  /** Each instance's last `steps` visits, encoded, one instance after another (what writeExample reads). */
  private readonly visits: VisitMatrix;
  /** Per instance: its first row in `visits`, its end row, its target day. */
  private readonly firstRow: Int32Array;
  private readonly endRow: Int32Array;
  private readonly targetDay: Int32Array;
  /** The day of each visit of the history being read. */
  private readonly days = new Int32Array(MAX_VISITS);
  /** The visit handed to writeVisit (one object, refilled). */
  private readonly visit: DailyVisit = {
    userId: "",
    day: 0,
    timeSpentSec: 0,
    pageViews: 0,
    typeViews: [0, 0, 0, 0],
    firstHour: 0,
    lastHour: 0,
    hoursVisited: 0,
    platform: "other",
  };
  private rows = 0;

  constructor(
    private readonly maxInstances: number,
    private readonly steps: number,
    normalisation: Normalisation,
  ) {
    this.scaling = toScaling(normalisation);
    const rows = maxInstances * steps;
    this.visits = { features: new Float32Array(rows * WIDTH), days: new Int32Array(rows) };
    this.firstRow = new Int32Array(maxInstances);
    this.endRow = new Int32Array(maxInstances);
    this.targetDay = new Int32Array(maxInstances);
  }

  /** The inputs of the body's instances (row i for instance i), or undefined: check the body in full. */
  read(body: unknown): InputBatch | undefined {
    if (!isObject(body)) return undefined;
    const instances = body["instances"];
    if (!Array.isArray(instances) || instances.length < 1 || instances.length > this.maxInstances) {
      return undefined;
    }
    this.rows = 0;
    for (let b = 0; b < instances.length; b++) if (!this.readInstance(instances[b], b)) return undefined;
    const size = instances.length;
    const batch = allocateInputBatch(size, this.steps);
    for (let b = 0; b < size; b++) {
      writeExample(
        batch,
        b,
        this.visits,
        this.firstRow[b]!,
        this.endRow[b]!,
        this.targetDay[b]!,
        this.scaling,
      );
    }
    return batch;
  }

  /** Instance b: request-check.ts's checks; its last `steps` visits encoded. False: give up on the body. */
  private readInstance(value: unknown, b: number): boolean {
    if (!isObject(value)) return false;
    const date = value["date"];
    const history = value["history"];
    if (typeof date !== "string" || !Array.isArray(history)) return false;
    const day = dayOfText(date);
    const size = history.length;
    if (day === undefined || day < FIRST_DAY || day > LAST_DAY || size < 1 || size > MAX_VISITS) return false;
    const days = this.days;
    for (let i = 0; i < size; i++) {
      const visitDay = this.checkVisit(history[i]);
      if (visitDay < FIRST_DAY || visitDay >= day || (i > 0 && visitDay <= days[i - 1]!)) return false;
      days[i] = visitDay;
    }
    if (day - days[size - 1]! > MAX_GAP) return false;
    // Only the window's visits are encoded (writeExample reads no others).
    this.firstRow[b] = this.rows;
    const { features, days: rowDays } = this.visits;
    for (let i = Math.max(0, size - this.steps); i < size; i++) {
      writeVisitFeatures(
        features,
        this.rows * WIDTH,
        this.fill(history[i] as Record<string, unknown>, days[i]!),
      );
      rowDays[this.rows++] = days[i]!;
    }
    this.endRow[b] = this.rows;
    this.targetDay[b] = day;
    return true;
  }

  /** A history entry's day if it passes request-check.ts's checks of a daily visit, else -1. */
  private checkVisit(value: unknown): number {
    if (!isObject(value)) return -1;
    const userId = value["user_id"];
    if (userId !== undefined && (typeof userId !== "string" || userId.trim().length < 1)) return -1;
    const date = value["visit_date"];
    const day = typeof date === "string" ? dayOfText(date) : undefined;
    const timeSpent = value["time_spent_sec"];
    if (
      day === undefined ||
      typeof timeSpent !== "number" ||
      !(timeSpent >= 0 && timeSpent <= MAX_TIME_SPENT)
    )
      return -1;
    const pageViews = views(value["page_views"]);
    const type1 = views(value["type1_views"]);
    const type2 = views(value["type2_views"]);
    const type3 = views(value["type3_views"]);
    const type4 = views(value["type4_views"]);
    if (pageViews < 0 || type1 < 0 || type2 < 0 || type3 < 0 || type4 < 0) return -1;
    const firstHour = hour(value["first_hour"]);
    const lastHour = hour(value["last_hour"]);
    const hoursVisited = value["hours_visited"];
    if (firstHour < 0 || lastHour < firstHour || typeof value["platform"] !== "string") return -1;
    if (
      typeof hoursVisited !== "number" ||
      !Number.isSafeInteger(hoursVisited) ||
      hoursVisited < 1 ||
      hoursVisited > lastHour - firstHour + 1
    )
      return -1;
    if (type1 + type2 + type3 + type4 > pageViews) return -1;
    return day;
  }

  /** The reused visit, filled from a checked history entry. */
  private fill(value: Record<string, unknown>, day: number): DailyVisit {
    const visit = this.visit;
    visit.day = day;
    visit.timeSpentSec = value["time_spent_sec"] as number;
    visit.pageViews = value["page_views"] as number;
    visit.typeViews[0] = value["type1_views"] as number;
    visit.typeViews[1] = value["type2_views"] as number;
    visit.typeViews[2] = value["type3_views"] as number;
    visit.typeViews[3] = value["type4_views"] as number;
    visit.firstHour = value["first_hour"] as number;
    visit.lastHour = value["last_hour"] as number;
    visit.hoursVisited = value["hours_visited"] as number;
    visit.platform = platformOfText(value["platform"] as string);
    return visit;
  }
}
