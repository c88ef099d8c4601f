// event_time is the user's wall-clock time (README, "Your data"): an offset never moves the hour it states,
// a TIMESTAMPTZ reads as its UTC time, and neither depends on the TZ of the process running the query.
// The daily visits are computed as `npm start` computes them (the local runner's DuckDB query engine, in
// a child process per TZ) and compared with hand-computed ones.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { DuckDBInstance } from "@duckdb/node-api";
import { parse } from "csv-parse/sync";
import { tempDir } from "../training/test-support/fixtures";
import { writeDailyVisitsCsv } from "./duckdb";

const ROOT = resolve(__dirname, "..");

// Offsets in three spellings, `Z`, fractional seconds, a `T` or a space; epoch seconds are not read.
const OFFSET_HITS = `user_id,event_time,page_type,time_spent_sec,platform
u1,2025-11-03T08:19:07+02:00,1,30,ios
u1,2025-11-03 09:05:00-05:00,2,10,ios
u1,2025-11-03T23:40:00Z,0,5,ios
u1,2025-11-04T00:10:00.250+1400,3,12,android
u1,1762157947,1,3,ios
`;

/** The daily visits of `input` as the local runner's query engine writes them, run under `TZ=tz`. */
function dailyVisitsUnder(tz: string, input: string, workdir: string): string[][] {
  const script = `
    const { readFileSync } = require("node:fs");
    const { LazyDuckDbQueryEngine } = require("./local/lambdas");
    const { LOCAL_HANDLER_CONFIG } = require("./local/settings");
    const { localPathForS3Uri } = require("./handlers/s3-uri");
    const { renderTrainingSql } = require("./sql/index");
    (async () => {
      const [input, s3Root] = process.argv.slice(1);
      const engine = new LazyDuckDbQueryEngine(s3Root, input);
      const { query } = LOCAL_HANDLER_CONFIG;
      const { queryExecutionId } = await engine.start({
        sql: renderTrainingSql(query.sourceTable), database: query.database, workgroup: query.workgroup,
        outputLocation: query.outputLocation, clientRequestToken: "wall-clock",
      });
      let status = await engine.status(queryExecutionId);
      while (status.state === "RUNNING") status = await engine.status(queryExecutionId);
      if (status.state !== "SUCCEEDED") throw new Error(status.stateChangeReason);
      process.stdout.write(readFileSync(localPathForS3Uri(s3Root, query.outputLocation + queryExecutionId + ".csv")));
    })().catch((error) => { console.error(error); process.exit(1); });`;
  const csv = execFileSync(
    process.execPath,
    ["--import", "tsx", "-e", script, input, join(workdir, `s3-${tz.replace("/", "-")}`)],
    { cwd: ROOT, env: { ...process.env, TZ: tz }, encoding: "utf8" },
  );
  return parse(csv) as string[][];
}

/** user_id, visit_date, time_spent_sec, page_views, first_hour, last_hour, hours_visited, platform, invalid_hits */
function summary(rows: string[][]): string[][] {
  const header = rows[0] ?? [];
  const columns = [
    "user_id",
    "visit_date",
    "time_spent_sec",
    "page_views",
    "first_hour",
    "last_hour",
    "hours_visited",
    "platform",
    "invalid_hits",
  ].map((name) => header.indexOf(name));
  return rows.slice(1).map((row) => columns.map((index) => row[index] ?? "?"));
}

describe("event_time is the user's wall-clock time, whatever the process's TZ", () => {
  const dir = tempDir();

  it("a CSV timestamp with an offset keeps the hour it states; epoch seconds are counted invalid", () => {
    const csv = join(dir, "offsets.csv");
    writeFileSync(csv, OFFSET_HITS);
    const expected = [
      ["u1", "2025-11-03", "45.0", "3", "8", "23", "3", "ios", "0"],
      ["u1", "2025-11-04", "12.0", "1", "0", "0", "1", "android", "0"],
      ["u1", "", "0.0", "0", "", "", "0", "", "1"],
    ];
    assert.deepEqual(summary(dailyVisitsUnder("America/New_York", csv, dir)), expected);
    assert.deepEqual(summary(dailyVisitsUnder("UTC", csv, dir)), expected);
  });

  it("a CSV column of offset timestamps only (which DuckDB would detect as instants) keeps its hours", () => {
    const csv = join(dir, "uniform.csv");
    writeFileSync(
      csv,
      "user_id,event_time,page_type,time_spent_sec,platform\n" +
        "u3,2025-11-03T00:30:00+02:00,1,10,web\nu3,2025-11-03T08:00:00+02:00,2,5,web\n",
    );
    const expected = [["u3", "2025-11-03", "15.0", "2", "0", "8", "2", "web", "0"]];
    assert.deepEqual(summary(dailyVisitsUnder("America/New_York", csv, dir)), expected);
    assert.deepEqual(summary(dailyVisitsUnder("UTC", csv, dir)), expected);
  });

  it("a Parquet TIMESTAMPTZ column is read at its UTC time", async () => {
    const parquet = join(dir, "instants.parquet");
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    try {
      // 02:30 UTC is 21:30 of the day before in New York: a process-TZ reading would move day and hour.
      await connection.run(
        `COPY (SELECT * FROM (VALUES
           ('u2', TIMESTAMPTZ '2025-11-03 02:30:00+00', 1, 20.0, 'web'),
           ('u2', TIMESTAMPTZ '2025-11-03 09:45:00+02', 2, 10.0, 'web')
         ) AS hits(user_id, event_time, page_type, time_spent_sec, platform))
         TO '${parquet}' (FORMAT parquet)`,
      );
      const type = await connection.runAndReadAll(
        `SELECT typeof(event_time) AS t FROM read_parquet('${parquet}') LIMIT 1`,
      );
      assert.equal(type.getRowObjectsJson()[0]?.["t"], "TIMESTAMP WITH TIME ZONE");
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
    const expected = [["u2", "2025-11-03", "30.0", "2", "2", "7", "2", "web", "0"]];
    assert.deepEqual(summary(dailyVisitsUnder("America/New_York", parquet, dir)), expected);
    assert.deepEqual(summary(dailyVisitsUnder("UTC", parquet, dir)), expected);
  });
});

describe("the README's example raw-hits file", () => {
  it("is valid: no hit is invalid and each keeps the hour it states", async () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const example = /## Your data[\s\S]*?```csv\n([\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(example, "README.md has a csv example under ## Your data");
    const dir = tempDir();
    writeFileSync(join(dir, "example.csv"), example);
    await writeDailyVisitsCsv(join(dir, "example.csv"), join(dir, "daily.csv"));
    const rows = summary(parse(readFileSync(join(dir, "daily.csv"), "utf8")) as string[][]);
    assert.deepEqual(
      rows.map(([user, date, , views, first, last, , platform, invalid]) => [
        user,
        date,
        views,
        first,
        last,
        platform,
        invalid,
      ]),
      [
        ["u-0077", "2025-11-04", "1", "23", "23", "android", "0"],
        ["u-1842", "2025-11-03", "3", "8", "21", "other", "0"],
      ],
    );
  });
});
