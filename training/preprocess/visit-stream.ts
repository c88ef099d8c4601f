// Streams the per-visit features (sql/visit-features.sql, run by DuckDB) chunk by chunk into the dataset's
// visit feature file, and builds the example index on the way: every visit with at least `minHistory`
// visits before it is an example, put in a split by its day, with the three baselines' predictions.
// Memory: a few bytes per visit and per example; the feature rows only pass through.
import type { DuckDBConnection, DuckDBVector } from "@duckdb/node-api";
import { renderVisitFeaturesSql } from "../../sql";
import { circularHourDistance, HOURS_PER_DAY } from "../core/hours";
import {
  SPLITS,
  type SplitIndex,
  type SplitName,
  TypedArrayFileWriter,
  VISIT_COLUMNS,
} from "../data/dataset";
import { VISIT_WIDTH } from "../features/features";

export interface SplitStarts {
  validationStart: number;
  testStart: number;
}

export interface VisitStream {
  visits: number;
  days: Int32Array;
  splits: Record<SplitName, SplitIndex>;
}

/** Columns before the features, in the SQL's order. */
const LEADING = [
  "position",
  "day",
  "weekday",
  "first_hour",
  "last_visit_first_hour",
  "same_weekday_last_seen",
] as const;

/** distance[h * 24 + k]: circular hours between h and k. */
const DISTANCE = Int32Array.from({ length: HOURS_PER_DAY * HOURS_PER_DAY }, (_, i) =>
  circularHourDistance(Math.floor(i / HOURS_PER_DAY), i % HOURS_PER_DAY),
);

/**
 * The user's circular median first hour so far, kept as the summed distance of every hour to the past
 * first hours: adding a visit costs 24 additions, the median is the smallest sum (ties: the smaller hour),
 * exactly what circularMedianHour computes from the list.
 */
class RunningCircularMedian {
  private readonly sums = new Int32Array(HOURS_PER_DAY);
  reset(): void {
    this.sums.fill(0);
  }
  add(hour: number): void {
    for (let h = 0; h < HOURS_PER_DAY; h++) this.sums[h]! += DISTANCE[h * HOURS_PER_DAY + hour]!;
  }
  median(): number {
    let best = 0;
    for (let h = 1; h < HOURS_PER_DAY; h++) if (this.sums[h]! < this.sums[best]!) best = h;
    return best;
  }
}

const splitCode = (day: number, starts: SplitStarts) =>
  day >= starts.testStart ? 2 : day >= starts.validationStart ? 1 : 0;

export async function streamVisitFeatures(
  connection: DuckDBConnection,
  table: string,
  totalVisits: number,
  options: { minHistory: number; splitStarts: SplitStarts; featuresFile: string },
  onProgress: (rows: number) => void,
): Promise<VisitStream> {
  const minPosition = Math.max(1, options.minHistory);
  const days = new Int32Array(totalVisits);
  // One slot per visit is enough: a visit is at most one example.
  const rows = new Uint32Array(totalVisits);
  const firsts = new Uint32Array(totalVisits);
  const targets = new Uint8Array(totalVisits);
  const baselines = new Uint8Array(totalVisits * 3);
  const splitOf = new Uint8Array(totalVisits);
  let examples = 0;
  const median = new RunningCircularMedian();
  const writer = new TypedArrayFileWriter(options.featuresFile);
  let row = 0;
  let first = 0;
  try {
    const result = await connection.stream(renderVisitFeaturesSql(table));
    const names = result.columnNames();
    const expected = [...LEADING, ...VISIT_COLUMNS];
    if (names.join(",") !== expected.join(",")) {
      throw new Error(`sql/visit-features.sql returns ${names.join(", ")}; expected ${expected.join(", ")}`);
    }
    for (;;) {
      const chunk = await result.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) break;
      const count = chunk.rowCount;
      const column = (i: number): DuckDBVector => chunk.getColumnVector(i);
      const [position, day, , firstHour, lastVisit, sameWeekday] = LEADING.map((_, i) => column(i));
      const features = new Float32Array(count * VISIT_WIDTH);
      for (let f = 0; f < VISIT_WIDTH; f++) {
        const vector = column(LEADING.length + f);
        for (let r = 0; r < count; r++) features[r * VISIT_WIDTH + f] = vector.getItem(r) as number;
      }
      writer.append(features);
      for (let r = 0; r < count; r++, row++) {
        const visitPosition = position!.getItem(r) as number;
        const visitDay = day!.getItem(r) as number;
        const hour = firstHour!.getItem(r) as number;
        days[row] = visitDay;
        if (visitPosition === 0) {
          first = row;
          median.reset();
        }
        if (visitPosition >= minPosition) {
          rows[examples] = row;
          firsts[examples] = first;
          targets[examples] = hour;
          baselines[examples * 3] = lastVisit!.getItem(r) as number;
          baselines[examples * 3 + 1] = median.median();
          baselines[examples * 3 + 2] = sameWeekday!.getItem(r) as number;
          splitOf[examples] = splitCode(visitDay, options.splitStarts);
          examples++;
        }
        median.add(hour);
      }
      onProgress(row);
    }
  } finally {
    writer.close();
  }
  const splits = Object.fromEntries(
    SPLITS.map((name, code) => {
      let size = 0;
      for (let i = 0; i < examples; i++) if (splitOf[i] === code) size++;
      const index: SplitIndex = {
        rows: new Uint32Array(size),
        firsts: new Uint32Array(size),
        targets: new Uint8Array(size),
        baselines: new Uint8Array(size * 3),
      };
      for (let i = 0, j = 0; i < examples; i++) {
        if (splitOf[i] !== code) continue;
        index.rows[j] = rows[i]!;
        index.firsts[j] = firsts[i]!;
        index.targets[j] = targets[i]!;
        index.baselines.set(baselines.subarray(i * 3, i * 3 + 3), j * 3);
        j++;
      }
      return [name, index];
    }),
  ) as Record<SplitName, SplitIndex>;
  return { visits: row, days, splits };
}
