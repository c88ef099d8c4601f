import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { calendarParts } from "../core/dates";
import { circularMedianHour } from "../core/hours";
import { readDailyVisits } from "../data/read-daily-visits";
import { groupByUser } from "../preprocess/examples";
import { generatedDailyVisits, tempDir } from "../test-support/fixtures";
import { simulateHits } from "./simulate";
import { hitsToCsv } from "./write";

const options = { users: 20, days: 60, seed: 4, startDate: "2024-01-01", malformed: 0 };

describe("the raw-hits simulator", () => {
  it("is deterministic for a seed and keeps existing users when users are added", () => {
    assert.deepEqual(simulateHits(options), simulateHits(options));
    assert.notDeepEqual(simulateHits({ ...options, seed: 5 }), simulateHits(options));
    const more = simulateHits({ ...options, users: 21 });
    const first = simulateHits(options);
    assert.deepEqual(more.slice(0, first.length), first);
  });

  it("writes the contract's columns, mixed platform spellings and empty page types", () => {
    const hits = simulateHits(options);
    assert.equal(hitsToCsv(hits).split("\n")[0], "user_id,event_time,page_type,time_spent_sec,platform");
    assert.ok(hits.every((hit) => /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(hit.event_time)));
    const platforms = new Set(hits.map((hit) => hit.platform));
    assert.ok(
      [...platforms].some((p) => p !== p.toLowerCase()),
      "case variants",
    );
    assert.ok(hits.some((hit) => hit.page_type === ""));
  });

  it("mixes in the requested malformed rows", () => {
    const clean = simulateHits(options);
    const dirty = simulateHits({ ...options, malformed: 7 });
    assert.equal(dirty.length, clean.length + 7);
    const bad = dirty.filter(
      (hit) =>
        hit.user_id === "" ||
        hit.event_time.startsWith("2024-13") ||
        !(Number(hit.time_spent_sec) >= 0) ||
        hit.page_type === "9",
    );
    assert.equal(bad.length, 7);
  });

  it("simulates habits: weekend shifts, skipped days, several sessions and visible invalid hits", async () => {
    const csv = await generatedDailyVisits(join(tempDir(), "sim"), {
      users: 40,
      days: 70,
      seed: 8,
      malformed: 5,
    });
    const { visits, report } = readDailyVisits(csv);
    assert.equal(report.invalidRawHits, 5, "each malformed hit is counted by the SQL");
    const byUser = groupByUser(visits);
    let shifted = 0;
    let skipping = 0;
    for (const history of byUser.values()) {
      const weekday = history.filter((v) => calendarParts(v.day).dayOfWeek < 5).map((v) => v.firstHour);
      const weekend = history.filter((v) => calendarParts(v.day).dayOfWeek >= 5).map((v) => v.firstHour);
      if (weekday.length && weekend.length && circularMedianHour(weekday) !== circularMedianHour(weekend))
        shifted++;
      if (history.length < 60) skipping++;
    }
    assert.ok(shifted >= byUser.size / 2, `${shifted} of ${byUser.size} users shift their hour on weekends`);
    assert.ok(skipping >= byUser.size * 0.9, "users skip days");
    assert.ok(visits.filter((v) => v.hoursVisited > 1).length > visits.length / 4, "several sessions a day");
  });
});
