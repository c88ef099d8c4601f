import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseDay } from "../core/dates";
import { type DailyVisit, dailyVisitCsvRow, dailyVisitJson, dailyVisitToJson } from "./daily-visits";

const visit: DailyVisit = {
  userId: "",
  day: parseDay("2024-03-05")!,
  timeSpentSec: 312.5,
  pageViews: 9,
  typeViews: [1, 2, 3, 0],
  firstHour: 7,
  lastHour: 21,
  hoursVisited: 4,
  platform: "web",
};

describe("the daily-visits contract", () => {
  it("writes a visit as a request history entry that reads back to the same visit", () => {
    assert.deepEqual(dailyVisitJson.parse(dailyVisitToJson(visit)), visit);
  });

  it("bounds a request's values, not the rows of a data file", () => {
    const entry = { ...dailyVisitToJson(visit), time_spent_sec: 86_401 };
    assert.equal(dailyVisitJson.safeParse(entry).error?.issues[0]?.message, "must be <= 86,400");
    assert.equal(dailyVisitJson.safeParse({ ...entry, time_spent_sec: 86_400 }).success, true);
    const row = Object.fromEntries(
      Object.entries({ ...entry, user_id: "u1" }).map(([k, v]) => [k, String(v)]),
    );
    assert.equal(dailyVisitCsvRow.safeParse(row).success, true);
  });
});
