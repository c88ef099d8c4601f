import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { DuckDBInstance } from "@duckdb/node-api";
import { parseDay } from "../core/dates";
import { tempDir } from "../test-support/fixtures";
import { streamVisitFeatures } from "./visit-stream";

/** Streams the features of daily visits given as [user_id, visit_date, first_hour] (other columns fixed). */
async function stream(visits: [string, string, number][], minHistory = 1) {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const rows = visits
      .map(
        ([user, date, hour]) =>
          `('${user}', DATE '${date}', 60.5, 3, 1, 1, 0, 0, ${hour}, ${hour}, 1, 'ios')`,
      )
      .join(", ");
    await connection.run(
      "CREATE TABLE visits AS SELECT * FROM (VALUES " +
        rows +
        ") AS v(user_id, visit_date, time_spent_sec, page_views, type1_views, type2_views, type3_views, " +
        "type4_views, first_hour, last_hour, hours_visited, platform)",
    );
    const featuresFile = join(tempDir(), "visit-features.f32");
    return await streamVisitFeatures(
      connection,
      "visits",
      visits.length,
      { minHistory, featuresFile },
      () => {},
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const day = (date: string) => parseDay(date)!;

describe("streaming the per-visit features", () => {
  it("orders users by user_id and each user's visits by day, and counts positions per user", async () => {
    const result = await stream(
      [
        ["u9", "2024-01-03", 9],
        ["u10", "2024-01-02", 10],
        ["u9", "2024-01-01", 7],
        ["u10", "2024-01-01", 11],
        ["u9", "2024-01-02", 8],
        ["a", "2024-01-05", 5],
      ],
      1,
    );
    // Text order: "a" < "u10" < "u9".
    assert.deepEqual(
      [...result.days],
      ["2024-01-05", "2024-01-01", "2024-01-02", "2024-01-01", "2024-01-02", "2024-01-03"].map(day),
    );
    const { rows, firsts, targets, count } = result.examples;
    // Every visit after a user's first is an example (minHistory 1), its history from the user's first row.
    assert.equal(count, 3);
    assert.deepEqual([...rows.subarray(0, count)], [2, 4, 5]);
    assert.deepEqual([...firsts.subarray(0, count)], [1, 3, 3]);
    assert.deepEqual([...targets.subarray(0, count)], [10, 8, 9]);
  });

  it("refuses a result that is not one row per user and day, naming the user and the days", async () => {
    await assert.rejects(
      stream([
        ["u1", "2024-01-01", 9],
        ["u1", "2024-01-02", 9],
        ["u1", "2024-01-02", 10],
      ]),
      /visits of user #1 out of order \(day 19724 after day 19724\)/,
    );
  });
});
