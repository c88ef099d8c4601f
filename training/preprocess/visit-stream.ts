// Streams the per-visit features (sql/visit-features.sql, run by DuckDB) chunk by chunk into the dataset's
// visit feature file, and builds the example index on the way: the rows come by user and day, so a visit's
// position in its user's history is counted here (a new user_number starts at 0); every visit with at least
// `minHistory` visits before it is an example, with the three baselines' predictions (last visit, running circular
// median, last visit on the same weekday) kept per user as rows go by. The examples are put in splits by
// their day afterwards (splitExamples), once their first and last days are known: no separate pass over
// the visits finds them.
// Memory: a few bytes per visit and per example; the feature rows only pass through. Each result chunk's
// columns are read as typed-array views (chunk-columns.ts) and copied in tight loops: no value per cell.
// The next chunk is asked for before this one is copied, so that DuckDB produces it meanwhile.
import type { DuckDBConnection, DuckDBDataChunk } from "@duckdb/node-api";
import { renderVisitFeaturesSql } from "../../sql";
import { circularHourDistance, HOURS_PER_DAY } from "../core/hours";
import { floatColumn, integerColumn } from "../data/chunk-columns";
import {
  SPLITS,
  type SplitIndex,
  type SplitName,
  TypedArrayFileWriter,
  VISIT_COLUMNS,
} from "../data/dataset";
import { VISIT_WIDTH } from "../features/features";

// Module constants copied once: an imported binding is a property read on every use in a hot loop.
const WIDTH = VISIT_WIDTH;
const HOURS = HOURS_PER_DAY;

export interface SplitStarts {
  validationStart: number;
  testStart: number;
}

export interface VisitStream {
  visits: number;
  days: Int32Array;
  /** Every example in stream order (user by user, oldest first); arrays longer than `count`. */
  examples: SplitIndex & { count: number };
}

/** Columns before the features, in the SQL's order. */
const LEADING = ["user_number", "day", "weekday", "first_hour"] as const;

/** distance[h * 24 + k]: circular hours between h and k. */
const DISTANCE = Int32Array.from({ length: HOURS * HOURS }, (_, i) =>
  circularHourDistance(Math.floor(i / HOURS), i % HOURS),
);

/**
 * The user's circular median first hour so far, kept as the summed distance of every hour to the past
 * first hours: adding a visit costs 24 additions, the median is the smallest sum (ties: the smaller hour),
 * exactly what circularMedianHour computes from the list.
 */
class RunningCircularMedian {
  private readonly sums = new Int32Array(HOURS);
  reset(): void {
    this.sums.fill(0);
  }
  add(hour: number): void {
    const sums = this.sums;
    for (let h = 0; h < HOURS; h++) sums[h]! += DISTANCE[h * HOURS + hour]!;
  }
  median(): number {
    const sums = this.sums;
    let best = 0;
    for (let h = 1; h < HOURS; h++) if (sums[h]! < sums[best]!) best = h;
    return best;
  }
}

/** No visit on that weekday yet. */
const NONE = -1;

/** The SQL broke its order (users by number, each user's days increasing, one row per day): a bug, not bad input. */
const outOfOrder = (user: number, detail: string) =>
  new Error(
    `sql/visit-features.sql returned the visits of user #${user} out of order (${detail}); ` +
      "it must return them by user_number, then day, at most one per user and day",
  );

const splitCode = (day: number, starts: SplitStarts) =>
  day >= starts.testStart ? 2 : day >= starts.validationStart ? 1 : 0;

export async function streamVisitFeatures(
  connection: DuckDBConnection,
  table: string,
  totalVisits: number,
  options: { minHistory: number; featuresFile: string },
  onProgress: (rows: number) => void,
): Promise<VisitStream> {
  const minPosition = Math.max(1, options.minHistory);
  const days = new Int32Array(totalVisits);
  // One slot per visit is enough: a visit is at most one example.
  const rows = new Uint32Array(totalVisits);
  const firsts = new Uint32Array(totalVisits);
  const targets = new Uint8Array(totalVisits);
  const baselines = new Uint8Array(totalVisits * 3);
  let examples = 0;
  const median = new RunningCircularMedian();
  const writer = new TypedArrayFileWriter(options.featuresFile);
  /** The user's previous visit's first hour, and the last first hour seen on each weekday. */
  let lastHour = 0;
  const lastOnWeekday = new Int32Array(7);
  let row = 0;
  let first = 0;
  /** The current user's number, its previous visit's day and the current visit's position in its history. */
  let user = -1;
  let previousDay = 0;
  let visitPosition = 0;
  let next: Promise<DuckDBDataChunk | null> | undefined;
  try {
    const result = await connection.stream(renderVisitFeaturesSql(table));
    const names = result.columnNames();
    const types = result.columnTypes();
    const expected = [...LEADING, ...VISIT_COLUMNS];
    if (names.join(",") !== expected.join(",")) {
      throw new Error(`sql/visit-features.sql returns ${names.join(", ")}; expected ${expected.join(", ")}`);
    }
    next = result.fetchChunk();
    for (;;) {
      const chunk = await next;
      if (chunk === null || chunk.rowCount === 0) break;
      // Each fetched chunk is its own DuckDB vector memory: this one stays valid while the next is made.
      next = result.fetchChunk();
      const count = chunk.rowCount;
      const [userNumber, day, weekday, firstHour] = LEADING.map((_, i) =>
        integerColumn(chunk, i, types[i]!),
      ) as [Int32Array, Int32Array, Int32Array, Int32Array];
      const features = new Float32Array(count * WIDTH);
      for (let f = 0; f < WIDTH; f++) {
        const column = LEADING.length + f;
        const values = floatColumn(chunk, column, types[column]!);
        for (let r = 0, out = f; r < count; r++, out += WIDTH) features[out] = values[r]!;
      }
      writer.append(features);
      for (let r = 0; r < count; r++, row++) {
        const visitUser = userNumber[r]!;
        const visitDay = day[r]!;
        const hour = firstHour[r]!;
        days[row] = visitDay;
        const visitWeekday = weekday[r]!;
        if (visitUser !== user) {
          if (visitUser < user) throw outOfOrder(visitUser, `after user #${user}`);
          user = visitUser;
          visitPosition = 0;
          first = row;
          median.reset();
          lastOnWeekday.fill(NONE);
        } else {
          if (visitDay <= previousDay)
            throw outOfOrder(visitUser, `day ${visitDay} after day ${previousDay}`);
          visitPosition++;
        }
        previousDay = visitDay;
        if (visitPosition >= minPosition) {
          rows[examples] = row;
          firsts[examples] = first;
          targets[examples] = hour;
          baselines[examples * 3] = lastHour;
          baselines[examples * 3 + 1] = median.median();
          // The last visit on the target's weekday, else the last visit (predictBaselines' rule).
          const sameWeekday = lastOnWeekday[visitWeekday]!;
          baselines[examples * 3 + 2] = sameWeekday === NONE ? lastHour : sameWeekday;
          examples++;
        }
        median.add(hour);
        lastHour = hour;
        lastOnWeekday[visitWeekday] = hour;
      }
      onProgress(row);
    }
  } finally {
    // A chunk asked for but not read (an error above) must not become an unhandled rejection.
    next?.catch(() => undefined);
    writer.close();
  }
  return { visits: row, days, examples: { rows, firsts, targets, baselines, count: examples } };
}

/** The first and last target day of the examples, or undefined when there is none. */
export function exampleDayRange(stream: VisitStream): { first: number; last: number } | undefined {
  const { rows, count } = stream.examples;
  if (count === 0) return undefined;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < count; i++) {
    const day = stream.days[rows[i]!]!;
    if (day < first) first = day;
    if (day > last) last = day;
  }
  return { first, last };
}

/** The examples of each split (by target day), in stream order. */
export function splitExamples(stream: VisitStream, starts: SplitStarts): Record<SplitName, SplitIndex> {
  const { rows, firsts, targets, baselines, count } = stream.examples;
  const splitOf = new Uint8Array(count);
  const sizes = [0, 0, 0];
  for (let i = 0; i < count; i++) {
    const code = splitCode(stream.days[rows[i]!]!, starts);
    splitOf[i] = code;
    sizes[code]!++;
  }
  return Object.fromEntries(
    SPLITS.map((name, code) => {
      const size = sizes[code]!;
      const index: SplitIndex = {
        rows: new Uint32Array(size),
        firsts: new Uint32Array(size),
        targets: new Uint8Array(size),
        baselines: new Uint8Array(size * 3),
      };
      for (let i = 0, j = 0; i < count; i++) {
        if (splitOf[i] !== code) continue;
        index.rows[j] = rows[i]!;
        index.firsts[j] = firsts[i]!;
        index.targets[j] = targets[i]!;
        index.baselines[j * 3] = baselines[i * 3]!;
        index.baselines[j * 3 + 1] = baselines[i * 3 + 1]!;
        index.baselines[j * 3 + 2] = baselines[i * 3 + 2]!;
        j++;
      }
      return [name, index];
    }),
  ) as Record<SplitName, SplitIndex>;
}
