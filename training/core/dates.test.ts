import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { calendarParts, formatDay, parseDay } from "./dates";

describe("calendar days", () => {
  it("parses real dates only", () => {
    assert.equal(parseDay("1970-01-02"), 1);
    assert.equal(parseDay("2024-02-29"), parseDay("2024-02-28")! + 1);
    assert.equal(parseDay("2023-02-29"), undefined);
    assert.equal(parseDay("2024-13-01"), undefined);
    assert.equal(parseDay("2024-1-1"), undefined);
    assert.equal(parseDay("yesterday"), undefined);
  });

  it("round-trips through formatDay", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 50_000 }), (day) => {
        assert.equal(parseDay(formatDay(day)), day);
      }),
    );
  });

  it("gives ISO weekdays, day of month and month across a year boundary", () => {
    const eve = calendarParts(parseDay("2023-12-31")!);
    assert.deepEqual(eve, { dayOfWeek: 6, dayOfMonth: 31, month: 12, daysInMonth: 31 });
    const newYear = calendarParts(parseDay("2024-01-01")!);
    assert.deepEqual(newYear, { dayOfWeek: 0, dayOfMonth: 1, month: 1, daysInMonth: 31 });
    assert.equal(calendarParts(parseDay("2024-02-10")!).daysInMonth, 29);
  });
});
