// The served path's reading of an /invocations body: its UTF-8 bytes straight into model inputs, with no text
// decoded and no JSON object built (decoding, JSON.parse and a walk over the parsed objects were ~45 % of an
// inference worker's time). A WebAssembly byte pass (request-scan.wat) checks the JSON and its shape and
// finds each instance's date and visits and each visit's numbers; here each value is checked as
// request-check.ts checks it, and each instance's last visits are encoded into reused typed arrays.
// It answers only bodies it can read in full with the plainest JSON: strict grammar, the contract's keys each
// at most once and nothing else, strings of printable ASCII with no escape. Any other body, valid or not, it
// gives up on (undefined), and the caller parses and checks that one in full (request-check.ts), which names
// the first problem in its 400 exactly as before. So what it accepts it must accept exactly as JSON.parse and
// request-check.ts would, with the same inputs: request-reader.test.ts holds it to that on generated valid and
// broken bodies written in many ways, and on mutated bytes.
import { parseDayBytes } from "../core/dates";
import { DAILY_VISIT_LIMITS, type DailyVisit, normalisePlatform, PLATFORMS } from "../data/daily-visits";
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
import { DATE_WINDOW_DAYS, MAX_DAYS_AFTER_LAST_VISIT, MAX_HISTORY_VISITS } from "./request";
import { asciiText, RequestScan, VISIT_SLOTS } from "./request-scan";

const { first: FIRST_DAY, last: LAST_DAY } = DATE_WINDOW_DAYS;
// Imported bindings read once (in the CommonJS that tsx runs, every read of an import is a getter call).
const { views: MAX_VIEWS, timeSpentSec: MAX_TIME_SPENT } = DAILY_VISIT_LIMITS;
const MAX_VISITS = MAX_HISTORY_VISITS;
const MAX_GAP = MAX_DAYS_AFTER_LAST_VISIT;
const WIDTH = VISIT_WIDTH;
const writeVisitFeatures = writeVisit;
const dayOfBytes = parseDayBytes;
const platformOfText = normalisePlatform;
const PLATFORM_LIST = PLATFORMS;

const {
  date: VISIT_DATE,
  timeSpentSec: TIME_SPENT,
  pageViews: PAGE_VIEWS,
  type1Views: TYPE1,
  firstHour: FIRST_HOUR,
  lastHour: LAST_HOUR,
  hoursVisited: HOURS_VISITED,
  platformStart: PLATFORM_START,
  platformEnd: PLATFORM_END,
} = VISIT_SLOTS;

/** The platforms as they most often come, lower case with no space (any other text: normalisePlatform). */
const PLATFORM_BYTES = PLATFORMS.map((platform) => new TextEncoder().encode(platform));

/** Whether bytes[start, end) are `text`'s bytes. */
function sameBytes(bytes: Uint8Array, start: number, end: number, text: Uint8Array): boolean {
  if (end - start !== text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[start + i] !== text[i]) return false;
  return true;
}

/** A count of views that request-check.ts accepts (a whole number, 0..the limit), else -1. */
const views = (value: number): number =>
  value >= 0 && value <= MAX_VIEWS && Number.isSafeInteger(value) ? value : -1;

/** An hour that request-check.ts accepts (a whole number, 0..23), else -1. */
const hour = (value: number): number =>
  value >= 0 && value <= 23 && Number.isSafeInteger(value) ? value : -1;

/**
 * Reads request bodies into the model inputs of their instances (the normalised features RequestFeatureWriter
 * writes for the instances request-check.ts returns), reusing its buffers from body to body. One body at a
 * time.
 */
export class RequestReader {
  private readonly scaling: Scaling;
  private readonly scan: RequestScan;
  /** Each instance's last `steps` visits, encoded, one instance after another (what writeExample reads). */
  private readonly visits: VisitMatrix;
  /** Per instance: its first row in `visits`, its end row, its target day. */
  private readonly firstRow: Int32Array;
  private readonly endRow: Int32Array;
  private readonly targetDay: Int32Array;
  /** The day of each visit of the instance being read. */
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
    maxInstances: number,
    private readonly steps: number,
    normalisation: Normalisation,
  ) {
    this.scaling = toScaling(normalisation);
    this.scan = new RequestScan(maxInstances);
    const rows = maxInstances * steps;
    this.visits = { features: new Float32Array(rows * WIDTH), days: new Int32Array(rows) };
    this.firstRow = new Int32Array(maxInstances);
    this.endRow = new Int32Array(maxInstances);
    this.targetDay = new Int32Array(maxInstances);
  }

  /** The inputs of the body's instances (row i for instance i), or undefined: parse and check it in full. */
  read(body: Uint8Array): InputBatch | undefined {
    const scan = this.scan;
    const size = scan.scan(body);
    if (size < 1) return undefined;
    this.rows = 0;
    for (let b = 0; b < size; b++) {
      if (!this.readInstance(b, scan.dateAt(b), scan.firstVisit(b), scan.visitCount(b))) return undefined;
    }
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

  /**
   * Instance b (its date's text at `dateAt`, its `size` visits from the scan's visit `firstVisit`):
   * request-check.ts's checks; its last `steps` visits encoded. False: give up on the body.
   */
  private readInstance(b: number, dateAt: number, firstVisit: number, size: number): boolean {
    const scan = this.scan;
    const day = dayOfBytes(scan.bytes, dateAt);
    if (day === undefined || day < FIRST_DAY || day > LAST_DAY || size > MAX_VISITS) return false;
    const days = this.days;
    for (let i = 0; i < size; i++) {
      const visitDay = this.checkVisit(scan.visitAt(firstVisit + i));
      if (visitDay < FIRST_DAY || (i > 0 && visitDay <= days[i - 1]!)) return false;
      days[i] = visitDay;
    }
    const last = days[size - 1]!;
    if (last >= day || day - last > MAX_GAP) return false;
    this.firstRow[b] = this.rows;
    for (let i = Math.max(0, size - this.steps); i < size; i++)
      this.encode(scan.visitAt(firstVisit + i), days[i]!);
    this.endRow[b] = this.rows;
    this.targetDay[b] = day;
    return true;
  }

  /** The visit record at float index `at`: its day if it passes request-check.ts's checks, else -1. */
  private checkVisit(at: number): number {
    const fields = this.scan.floats;
    const day = dayOfBytes(this.scan.bytes, fields[at + VISIT_DATE]!);
    const timeSpent = fields[at + TIME_SPENT]!;
    if (day === undefined || !(timeSpent >= 0 && timeSpent <= MAX_TIME_SPENT)) return -1;
    const pageViews = views(fields[at + PAGE_VIEWS]!);
    let typeViews = 0;
    for (let type = 0; type < 4; type++) {
      const count = views(fields[at + TYPE1 + type]!);
      if (count < 0) return -1;
      typeViews += count;
    }
    const firstHour = hour(fields[at + FIRST_HOUR]!);
    const lastHour = hour(fields[at + LAST_HOUR]!);
    const hoursVisited = fields[at + HOURS_VISITED]!;
    if (pageViews < 0 || typeViews > pageViews || firstHour < 0 || lastHour < firstHour) return -1;
    if (!Number.isSafeInteger(hoursVisited) || hoursVisited < 1 || hoursVisited > lastHour - firstHour + 1) {
      return -1;
    }
    return day;
  }

  /** The platform of the visit record at `at`: its index in PLATFORMS. */
  private platform(at: number): number {
    const { bytes, floats } = this.scan;
    const start = floats[at + PLATFORM_START]!;
    const end = floats[at + PLATFORM_END]!;
    for (let p = 0; p < PLATFORM_BYTES.length; p++) {
      if (sameBytes(bytes, start, end, PLATFORM_BYTES[p]!)) return p;
    }
    return PLATFORM_LIST.indexOf(platformOfText(asciiText(bytes, start, end)));
  }

  /** The checked visit record at `at`, on `day`, encoded as the next row of `visits`. */
  private encode(at: number, day: number): void {
    const fields = this.scan.floats;
    const visit = this.visit;
    visit.day = day;
    visit.timeSpentSec = fields[at + TIME_SPENT]!;
    visit.pageViews = fields[at + PAGE_VIEWS]!;
    for (let type = 0; type < 4; type++) visit.typeViews[type] = fields[at + TYPE1 + type]!;
    visit.firstHour = fields[at + FIRST_HOUR]!;
    visit.lastHour = fields[at + LAST_HOUR]!;
    visit.hoursVisited = fields[at + HOURS_VISITED]!;
    visit.platform = PLATFORM_LIST[this.platform(at)]!;
    writeVisitFeatures(this.visits.features, this.rows * WIDTH, visit);
    this.visits.days[this.rows++] = visit.day;
  }
}
