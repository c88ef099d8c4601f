// Property tests of the raw-hits contract (issue 15): random files of hits (unicode user ids, timestamps
// with offsets, `Z`, fractions or none, epoch seconds and garbage, bad time spent and page types, exact
// duplicates) through sql/training-data.sql on DuckDB, against a reference written here from the contract
// (docs/contracts.md, "Raw hits"): every row is accounted for once, as a page view, an invalid hit or a
// duplicate copy, and each user's day gets the counts and hours the contract gives. Bounded runs.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import fc from "fast-check";
import { DUCKDB_SESSION_SETUP } from "../contracts/raw-hits";
import { tempDir } from "../training/test-support/fixtures";
import { rawHitsSource } from "./duckdb";
import { renderTrainingSql } from "./index";

interface Hit {
  user_id: string;
  event_time: string;
  page_type: string;
  time_spent_sec: string;
  platform: string;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** A wall-clock time in one of the spellings the contract reads, with its date and hour. */
const wallClock = fc
  .record({
    day: fc.integer({ min: 0, max: 6 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    separator: fc.constantFrom(" ", "T"),
    suffix: fc.constantFrom("", "Z", "+02:00", "-05:30", "+1400", ".250", ".5+01:00"),
  })
  .map(({ day, hour, minute, separator, suffix }) => ({
    text: `2025-11-${pad(day + 3)}${separator}${pad(hour)}:${pad(minute)}:07${suffix}`,
    date: `2025-11-${pad(day + 3)}`,
    hour,
  }));

type Time = { text: string; date: string | null; hour: number | null };
const eventTime: fc.Arbitrary<Time> = fc.oneof(
  { weight: 6, arbitrary: wallClock },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom("1762157947", "not a time", "2025-13-01 08:00:00", "03/11/2025 08:00", "")
      .map((text) => ({ text, date: null, hour: null })),
  },
);

// Letters of several scripts, an emoji, a comma, a quote and spaces inside (never at the ends: the
// contract trims them, as its own example tests show).
const userId = fc
  .array(fc.constantFrom("a", "b", "é", "ü", "漢", "字", "🙂", "ß", ",", '"', "-", " "), {
    minLength: 1,
    maxLength: 4,
  })
  .map((letters) => `u${letters.join("")}x`);

const hit = fc.record({
  user_id: fc.constantFrom("u1", "u2"),
  time: eventTime,
  page_type: fc.constantFrom("", "0", "1", "2", "3", "4", "9", "x"),
  time_spent_sec: fc.constantFrom("0", "10", "2.5", "120", "-1", "oops", ""),
  platform: fc.constantFrom("ios", "Android", "WEB", "tv", ""),
});

/** A few users' hits, some given two or three times: exact duplicates. */
const hitsFile = fc
  .record({ users: fc.array(userId, { minLength: 1, maxLength: 3 }), hits: fc.array(hit, { maxLength: 40 }) })
  .chain(({ users, hits }) =>
    fc.tuple(
      fc.constant(hits.map((h) => ({ ...h, user_id: users[h.user_id === "u1" ? 0 : users.length - 1]! }))),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 2 })), { maxLength: 10 }),
    ),
  )
  .map(([hits, repeats]) => {
    const rows: (Hit & { time: Time })[] = hits.map((h) => ({ ...h, event_time: h.time.text }));
    for (const [index, copies] of repeats) {
      const original = rows[index % Math.max(rows.length, 1)];
      for (let i = 0; original && i < copies; i++) rows.push(original);
    }
    return rows;
  });

interface Day {
  page_views: number;
  invalid_hits: number;
  duplicate_hits: number;
  first_hour: number | null;
  last_hour: number | null;
}

/** The contract's daily counts, keyed `user|date` (date empty for an unreadable event_time). */
function expectedDays(rows: readonly (Hit & { time: Time })[]): Map<string, Day> {
  const copies = new Map<string, { row: Hit & { time: Time }; n: number }>();
  for (const row of rows) {
    const key = JSON.stringify([
      row.user_id,
      row.event_time,
      row.page_type,
      row.time_spent_sec,
      row.platform,
    ]);
    const seen = copies.get(key);
    if (seen) seen.n += 1;
    else copies.set(key, { row, n: 1 });
  }
  const days = new Map<string, Day>();
  for (const { row, n } of copies.values()) {
    const key = `${row.user_id}|${row.time.date ?? ""}`;
    const day = days.get(key) ?? {
      page_views: 0,
      invalid_hits: 0,
      duplicate_hits: 0,
      first_hour: null,
      last_hour: null,
    };
    const seconds = row.time_spent_sec === "" ? Number.NaN : Number(row.time_spent_sec);
    const valid =
      row.time.hour !== null &&
      Number.isFinite(seconds) &&
      seconds >= 0 &&
      ["", "0", "1", "2", "3", "4"].includes(row.page_type);
    day.duplicate_hits += n - 1;
    if (valid) {
      const hour = row.time.hour!;
      day.page_views += 1;
      day.first_hour = day.first_hour === null ? hour : Math.min(day.first_hour, hour);
      day.last_hour = day.last_hour === null ? hour : Math.max(day.last_hour, hour);
    } else {
      day.invalid_hits += 1;
    }
    days.set(key, day);
  }
  return days;
}

const csvCell = (text: string) => `"${text.replaceAll('"', '""')}"`;

describe("sql/training-data.sql on random raw hits", () => {
  const dir = tempDir();
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  before(async () => {
    instance = await DuckDBInstance.create(":memory:", { threads: "1" });
    connection = await instance.connect();
    await connection.run(DUCKDB_SESSION_SETUP);
  });
  after(() => {
    connection.closeSync();
    instance.closeSync();
  });

  it("accounts for every row once and gives each user's day the contract's counts and hours", async () => {
    let file = 0;
    await fc.assert(
      fc.asyncProperty(hitsFile, async (rows) => {
        const path = join(dir, `hits-${file++}.csv`);
        const columns = ["user_id", "event_time", "page_type", "time_spent_sec", "platform"] as const;
        writeFileSync(
          path,
          [
            columns.join(","),
            ...rows.map((row) => columns.map((column) => csvCell(row[column])).join(",")),
          ].join("\n") + "\n",
        );
        await connection.run(`CREATE OR REPLACE VIEW raw_hits AS SELECT * FROM ${rawHitsSource(path)}`);
        const result =
          rows.length === 0
            ? []
            : (await connection.runAndReadAll(renderTrainingSql("raw_hits"))).getRowObjectsJson();
        const actual = new Map(
          result.map((row) => [
            `${String(row["user_id"])}|${String(row["visit_date"] ?? "")}`,
            {
              page_views: Number(row["page_views"]),
              invalid_hits: Number(row["invalid_hits"]),
              duplicate_hits: Number(row["duplicate_hits"]),
              first_hour: row["first_hour"] === null ? null : Number(row["first_hour"]),
              last_hour: row["last_hour"] === null ? null : Number(row["last_hour"]),
            },
          ]),
        );
        assert.deepEqual(actual, expectedDays(rows));
        const accounted = [...actual.values()].reduce(
          (sum, day) => sum + day.page_views + day.invalid_hits + day.duplicate_hits,
          0,
        );
        assert.equal(accounted, rows.length, "every row is a page view, an invalid hit or a duplicate copy");
      }),
      { numRuns: 40, seed: 15 },
    );
  });
});
