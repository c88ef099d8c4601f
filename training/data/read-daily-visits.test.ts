import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { CONTRACT_ROWS, DAILY_VISITS_HEADER as HEADER } from "../test-support/daily-visit-rows";
import { tempDir } from "../test-support/fixtures";
import { readDailyVisits, UNREADABLE_EVENT_TIME } from "./read-daily-visits";

function csvFile(lines: string[]): string {
  const path = join(tempDir(), "daily.csv");
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

describe("reading daily visits", () => {
  it("accepts contract rows (Athena quoting, platform case) and counts rejected rows by reason", () => {
    const path = csvFile([`${HEADER},invalid_hits`, ...CONTRACT_ROWS]);
    const { visits, report } = readDailyVisits(path);
    assert.equal(report.rows, 9);
    assert.equal(report.accepted, 2);
    assert.equal(report.invalidRawHits, 6);
    assert.equal(report.duplicateRawHits, 0, "a file without duplicate_hits counts none");
    assert.deepEqual(visits[0], {
      userId: "u1",
      day: 19723,
      timeSpentSec: 30.5,
      pageViews: 3,
      typeViews: [1, 0, 0, 1],
      firstHour: 7,
      lastHour: 9,
      hoursVisited: 2,
      platform: "ios",
    });
    assert.equal(visits[1]?.platform, "other");
    assert.deepEqual(
      Object.keys(report.rejected).sort(),
      [
        "first_hour: must be 0..23",
        "last_hour: must be >= first_hour",
        "time_spent_sec: must be >= 0",
        "visit_date: must be a date YYYY-MM-DD",
        "user_id/visit_date: duplicate day for the user",
        UNREADABLE_EVENT_TIME,
        "first_hour: is required",
      ].sort(),
    );
    assert.ok(report.rejectedExamples[0]?.includes("daily.csv:4"));
  });

  it("fails naming a missing column", () => {
    const path = csvFile([HEADER.replace(",first_hour", ""), "u1,2024-01-01,1,1,0,0,0,0,9,1,ios"]);
    assert.throws(() => readDailyVisits(path), /lacks required column\(s\) first_hour/);
  });

  it("fails on an unparsable file", () => {
    const path = csvFile([HEADER, 'u1,"2024-01-01,1,1', "u2,2024-01-01"]);
    assert.throws(() => readDailyVisits(path), /cannot parse .*daily\.csv as CSV/);
  });

  it("fails on an empty input and a missing path", () => {
    assert.throws(() => readDailyVisits(csvFile([HEADER])), /no rows/);
    assert.throws(() => readDailyVisits(join(tempDir(), "nothing")), /does not exist/);
    assert.throws(() => readDailyVisits(tempDir()), /no \.csv file/);
  });
});
