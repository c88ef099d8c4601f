import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { DuckDBInstance } from "@duckdb/node-api";
import { DUCKDB_SESSION_SETUP } from "../contracts/raw-hits";
import { tempDir } from "../training/test-support/fixtures";
import { writeHits } from "../training/generate-data/write";
import { simulateHits } from "../training/generate-data/simulate";
import { rawHitsSource, writeDailyVisitsCsv } from "./duckdb";
import {
  renderSqlTemplate,
  renderTrainingSql,
  SOURCE_TABLE_PLACEHOLDER,
  validateTableIdentifier,
} from "./index";

const HITS = `user_id,event_time,page_type,time_spent_sec,platform,referrer
u1,2023-12-31 23:10:00,1,10,iOS,x
u1,2023-12-31 23:50:00,,5,ios,x
u1,2023-12-31 22:05:00,4,1.5,web,x
u1,2024-01-01 00:05:00,2,7,Android,x
u1,2024-01-01 00:30:00,9,7,Android,x
u1,2024-01-01 07:45:10,0,3,smart-tv,x
u1,not a time,1,3,web,x
u2,2024-01-01 08:00:00,3,-1,web,x
u2,2024-01-01 09:00:00,3,oops,web,x
u2,2024-01-02 12:00:00,3,20,WEB,x
,2024-01-02 12:00:00,3,20,web,x
`;

/** A daily-visits row; a day without valid hits has zero counts and NULL hours and platform. */
function daily(
  user_id: string | null,
  visit_date: string | null,
  sums: [time: number, views: number, type1: number, type2: number, type3: number, type4: number],
  hours: [first: number, last: number, distinct: number] | null,
  platform: string | null,
  invalid_hits: number,
  duplicate_hits = 0,
) {
  const [time_spent_sec, page_views, type1_views, type2_views, type3_views, type4_views] = sums;
  return {
    user_id,
    visit_date,
    time_spent_sec,
    page_views,
    type1_views,
    type2_views,
    type3_views,
    type4_views,
    first_hour: hours?.[0] ?? null,
    last_hour: hours?.[1] ?? null,
    hours_visited: hours?.[2] ?? 0,
    platform,
    invalid_hits,
    duplicate_hits,
  };
}

// Hand-computed from the hits above (hours of the day's valid hits; invalid hits only counted).
// DuckDB's read_csv reads an empty cell as NULL (Athena keeps ''); both are rejected the same way.
const EXPECTED = [
  daily(null, "2024-01-02", [0, 0, 0, 0, 0, 0], null, null, 1),
  daily("u1", "2023-12-31", [16.5, 3, 1, 0, 0, 1], [22, 23, 2], "ios", 0),
  daily("u1", "2024-01-01", [10, 2, 0, 1, 0, 0], [0, 7, 2], "other", 1),
  daily("u1", null, [0, 0, 0, 0, 0, 0], null, null, 1),
  daily("u2", "2024-01-01", [0, 0, 0, 0, 0, 0], null, null, 2),
  daily("u2", "2024-01-02", [20, 1, 0, 0, 1, 0], [12, 12, 1], "web", 0),
];

async function query(sql: string, setup: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run(DUCKDB_SESSION_SETUP);
    await connection.run(setup);
    const reader = await connection.runAndReadAll(sql);
    return reader
      .getRowObjectsJson()
      .map((row) =>
        Object.fromEntries(
          Object.entries(row).map(([key, value]) => [
            key,
            typeof value === "string" && key !== "user_id" && key !== "visit_date" && key !== "platform"
              ? Number(value)
              : value,
          ]),
        ),
      );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const sortRows = (rows: Record<string, unknown>[]) =>
  [...rows].sort((a, b) =>
    `${a["user_id"]}|${a["visit_date"]}`.localeCompare(`${b["user_id"]}|${b["visit_date"]}`),
  );

describe("sql/training-data.sql on DuckDB", () => {
  const dir = tempDir();
  const csv = join(dir, "hits.csv");
  writeFileSync(csv, HITS);

  it("turns raw hits (text columns) into the hand-computed daily visits", async () => {
    const rows = await query(
      renderTrainingSql("raw_hits"),
      `CREATE VIEW raw_hits AS SELECT * FROM ${rawHitsSource(csv)}`,
    );
    assert.deepEqual(sortRows(rows), sortRows(EXPECTED));
  });

  it("counts exact duplicate hits once and reports their extra copies per user and day, wherever they are in the file", async () => {
    // Every line twice, u1's 23:10 hit three times, and near-duplicates (another platform spelling, a
    // time one second later, an extra column, an empty page type beside a 0) that are distinct hits: each
    // differs from the one next to it in the user's sorted hits in one cell only.
    const lines = HITS.trim().split("\n");
    const body = [
      ...lines.slice(1),
      ...lines.slice(1),
      lines.find((line) => line.startsWith("u1,2023-12-31 23:10:00"))!,
      "u3,2024-01-05 10:00:00,1,5,web,x",
      "u3,2024-01-05 10:00:00,1,5,WEB,y",
      "u3,2024-01-05 10:00:01,1,5,web,x",
      "u3,2024-01-05 10:00:00,,5,web,x",
      "u3,2024-01-05 10:00:00,0,5,web,x",
    ];
    const copies = (row: ReturnType<typeof daily>) =>
      row.page_views + row.invalid_hits + (row.user_id === "u1" && row.visit_date === "2023-12-31" ? 1 : 0);
    const expected = sortRows([
      ...EXPECTED.map((row) => ({ ...row, duplicate_hits: copies(row) })),
      daily("u3", "2024-01-05", [25, 5, 3, 0, 0, 0], [10, 10, 1], "web", 0),
    ]);
    for (const order of ["as written", "reversed"]) {
      const duplicated = join(dir, `duplicated-${order.replace(" ", "-")}.csv`);
      const ordered = order === "reversed" ? [...body].reverse() : body;
      writeFileSync(duplicated, [lines[0], ...ordered].join("\n") + "\n");
      const rows = await query(
        renderTrainingSql("raw_hits"),
        `CREATE VIEW raw_hits AS SELECT * FROM ${rawHitsSource(duplicated)}`,
      );
      assert.deepEqual(sortRows(rows), expected, order);
    }
  });

  it("gives the same result on typed columns (a Parquet source) in a schema-qualified table", async () => {
    const valid = HITS.split("\n")
      .filter((line, i) => i === 0 || (line !== "" && !/not a time|oops|,-1,|^,/.test(line)))
      .join("\n");
    const typedCsv = join(dir, "typed.csv");
    writeFileSync(typedCsv, `${valid}\n`);
    const rows = await query(
      renderTrainingSql("main.hits"),
      `CREATE TABLE main.hits AS SELECT * FROM read_csv('${typedCsv}', header=true, ` +
        `types={'event_time': 'TIMESTAMP', 'page_type': 'INTEGER', 'time_spent_sec': 'DOUBLE'})`,
    );
    // Without the rows of unparsable values, every day has valid hits; page type 9 is still counted.
    assert.deepEqual(sortRows(rows), sortRows(EXPECTED.filter((row) => row.first_hour !== null)));
  });

  it("reads generated Parquet and CSV alike and writes a CSV with the contract's columns", async () => {
    const hits = simulateHits({ users: 3, days: 10, seed: 5, startDate: "2024-03-01", malformed: 0 });
    await writeHits(join(dir, "gen.parquet"), hits, true);
    await writeHits(join(dir, "gen.csv"), hits, true);
    const fromParquet = join(dir, "from-parquet.csv");
    const fromCsv = join(dir, "from-csv.csv");
    const rows = await writeDailyVisitsCsv(join(dir, "gen.parquet"), fromParquet);
    assert.equal(await writeDailyVisitsCsv(join(dir, "gen.csv"), fromCsv), rows);
    assert.ok(rows > 10);
    assert.equal(readFileSync(fromParquet, "utf8"), readFileSync(fromCsv, "utf8"));
    assert.equal(
      readFileSync(fromCsv, "utf8").split("\n")[0],
      "user_id,visit_date,time_spent_sec,page_views,type1_views,type2_views,type3_views,type4_views," +
        "first_hour,last_hour,hours_visited,platform,invalid_hits,duplicate_hits",
    );
  });
});

describe("renderTrainingSql", () => {
  it("substitutes a valid table identifier everywhere", () => {
    const sql = renderTrainingSql('analytics."raw hits"');
    assert.ok(sql.includes('FROM analytics."raw hits"'));
    assert.ok(!sql.includes(SOURCE_TABLE_PLACEHOLDER));
    assert.equal(
      renderSqlTemplate("SELECT 1 FROM {{source_table}} JOIN {{source_table}}", "t"),
      "SELECT 1 FROM t JOIN t",
    );
    assert.equal(validateTableIdentifier("awsdatacatalog.db.hits_2024"), "awsdatacatalog.db.hits_2024");
  });

  it("refuses anything that is not a table identifier", () => {
    for (const bad of ["", "hits; DROP TABLE x", "a.b.c.d", "1hits", "hits--", '"a"b"', "hits)", "a b"]) {
      assert.throws(() => renderTrainingSql(bad), /is not a table identifier/, bad);
    }
    assert.throws(() => renderSqlTemplate("SELECT 1", "t"), /no \{\{source_table\}\} placeholder/);
  });
});
