import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { DuckDBInstance } from "@duckdb/node-api";
import { CONTRACT_ROWS, DAILY_VISITS_HEADER as HEADER } from "../test-support/daily-visit-rows";
import { tempDir } from "../test-support/fixtures";
import { loadDailyVisits } from "./load-daily-visits";
import { readDailyVisits, UNREADABLE_EVENT_TIME } from "./read-daily-visits";

function csvFile(lines: string[], name = "daily.csv"): string {
  const path = join(tempDir(), name);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

async function load(path: string) {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    return await loadDailyVisits(connection, path);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

// Each row breaks (or keeps) the contract in one way; the SQL check must give zod's first reason for it.
const ROWS = [
  ...CONTRACT_ROWS,
  " ,2024-01-07,10,1,0,0,0,0,9,9,1,web,0",
  "u3,2024-02-30,10,1,0,0,0,0,9,9,1,web,0",
  "u3,2024-1-5,10,1,0,0,0,0,9,9,1,web,0",
  "u3,2024-01-08,abc,1,0,0,0,0,9,9,1,web,0",
  "u3,2024-01-09,1e2, +2 ,0,0,0,0,9,9,1,web,x",
  "u3,2024-01-10,.5,1.5,0,0,0,0,9,9,1,web,0",
  "u3,2024-01-11,5.,1,0,0,0,0,9.5,9,1,web,0",
  "u3,2024-01-12,Infinity,1,0,0,0,0,9,9,1,web,0",
  "u3,2024-01-13,10,1,0,0,0,0,9,9,0,web,0",
  "u3,2024-01-14,10,1,0,0,0,0,9,9,25,web,0",
  "u3,2024-01-15,10,1,0,0,0,0,9,10,3,web,0",
  "u3,2024-01-16,10,1,1,1,0,0,9,9,1,web,0",
  "u3,2024-01-17,10,1,-1,0,0,0,9,9,1,web,0",
  "u3,2024-01-18,10,1,0,0,0,0,-3,9,1,web,0",
  "u3,2024-01-19,1_000,1,0,0,0,0,9,9,1,web,0",
  "u4,2024-01-01,10,1,0,0,0,0,1,1,1,web,0",
  "u4,2024-01-01,10,1,0,0,0,0,1,1,1,web,0",
  // Cells off the fast path (spaces, upper case, two dots) read as the general rule reads them.
  "u5, 2024-01-21 , 10.5 , 1,0,0,0,0,9,9,1, Android ,0",
  "u5,2024-01-22,1.2.3,1,0,0,0,0,9,9,1,web,0",
  "u5,2024-01-23,12,1,0,0,0,0,9.,9,1,OTHER,0",
];

describe("checking daily visits in DuckDB", () => {
  it("counts and reports every row as the zod contract does", async () => {
    const path = csvFile([`${HEADER},invalid_hits`, ...ROWS]);
    const expected = readDailyVisits(path).report;
    const actual = await load(path);
    assert.deepEqual(actual, expected);
    assert.equal(actual.accepted, 6);
    assert.ok(Object.keys(actual.rejected).length >= 12, JSON.stringify(actual.rejected));
  });

  it("sums the SQL's invalid_hits and duplicate_hits over every row, rejected ones included", async () => {
    const path = csvFile([
      `${HEADER},duplicate_hits,invalid_hits`,
      ...ROWS.map((row, index) => `${row.replace(/,[^,]*$/, "")},${index % 3},${index % 2}`),
    ]);
    const expected = readDailyVisits(path).report;
    const actual = await load(path);
    assert.deepEqual(actual, expected);
    const sum = (f: (index: number) => number) => ROWS.reduce((total, _, index) => total + f(index), 0);
    assert.equal(
      actual.duplicateRawHits,
      sum((index) => index % 3),
    );
    assert.equal(
      actual.invalidRawHits,
      sum((index) => index % 2),
    );
  });

  it("reads several files, a header in another order and case, and reports lines per file", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "a.csv"),
      `${HEADER}\n${ROWS.slice(0, 4)
        .map((row) => row.replace(/,[^,]*$/, ""))
        .join("\n")}\n`,
    );
    const columns = HEADER.split(",");
    const reordered = [...columns].reverse();
    const row = (cells: string[]) => reordered.map((name) => cells[columns.indexOf(name)]).join(",");
    writeFileSync(
      join(dir, "b.csv"),
      `${reordered.map((name) => name.toUpperCase()).join(",")}\n` +
        `${row("u9,2024-01-01,10,1,0,0,0,0,5,5,1,web".split(","))}\n` +
        `${row("u9,2024-01-02,10,1,0,0,0,0,5,4,1,web".split(","))}\n`,
    );
    const report = await load(dir);
    assert.equal(report.rows, 6);
    assert.equal(report.accepted, 3);
    assert.deepEqual(report.rejectedExamples, [
      `${join(dir, "a.csv")}:4: user_id/visit_date: duplicate day for the user`,
      `${join(dir, "a.csv")}:5: ${UNREADABLE_EVENT_TIME}`,
      `${join(dir, "b.csv")}:3: last_hour: must be >= first_hour`,
    ]);
  });

  it("reads the cells DuckDB's typed CSV reader accepts with the contract's values and reasons", async () => {
    // Each cell in a file of otherwise valid rows, so that the file is read typed (or, for "1_000", as text).
    // ("0x1A" is left out: Number() reads hexadecimal, the SQL refuses it; see daily-visits-check.ts.)
    const good = (day: number, time: string, firstHour = "9") =>
      `"u6","2024-02-${String(day).padStart(2, "0")}","${time}","2","1","0","0","1","${firstHour}","10","2","ios","1"`;
    const cells = ["1_000", "inf", "-Infinity", "nan", "1e500", " 12 ", "\t12", "+.5", "5.", "1e2", "", "-0"];
    for (const cell of cells) {
      const path = csvFile([`${HEADER},invalid_hits`, good(1, "10"), good(2, cell), good(3, "10", cell)]);
      const expected = readDailyVisits(path).report;
      assert.deepEqual(await load(path), expected, JSON.stringify(cell));
    }
  });

  it("fails naming a missing column, an unparsable file, an empty input and a missing path", async () => {
    await assert.rejects(
      load(csvFile([HEADER.replace(",first_hour", ""), "u1,2024-01-01,1,1,0,0,0,0,9,1,ios"])),
      /daily\.csv lacks required column\(s\) first_hour/,
    );
    await assert.rejects(
      load(csvFile([HEADER, 'u1,"2024-01-01,1,1', "u2,2024-01-01"])),
      /cannot parse .*daily\.csv as CSV/,
    );
    await assert.rejects(load(csvFile([HEADER])), /no rows/);
    await assert.rejects(load(join(tempDir(), "nothing")), /does not exist/);
    await assert.rejects(load(tempDir()), /no \.csv file/);
  });
});
