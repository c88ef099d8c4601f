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

  it("parses as Date.UTC does, white space and all", () => {
    const reference = (text: string) => {
      const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
      if (!match) return undefined;
      const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
      const date = new Date(Date.UTC(year, month - 1, day));
      const real =
        date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
      return real ? Math.round(date.getTime() / 86_400_000) : undefined;
    };
    const part = (length: number) =>
      fc.integer({ min: 0, max: 10 ** length - 1 }).map((n) => String(n).padStart(length, "0"));
    const dates = fc
      .tuple(part(4), part(2), part(2), fc.constantFrom("-", "/"), fc.constantFrom("", " ", "\t"))
      .map(([year, month, day, dash, space]) => `${space}${year}${dash}${month}-${day}${space}`);
    const texts = fc.oneof(
      dates,
      fc.string({ maxLength: 12 }),
      fc.constantFrom("0099-12-31", "0100-01-01", "2024-1a-01", "+2024-01-01"),
    );
    fc.assert(
      fc.property(texts, (text) => assert.equal(parseDay(text), reference(text), text)),
      { numRuns: 5000 },
    );
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

  it("gives the calendar parts a Date gives, 1900..2200", () => {
    fc.assert(
      fc.property(fc.integer({ min: -25_567, max: 84_000 }), (day) => {
        const date = new Date(day * 86_400_000);
        const year = date.getUTCFullYear();
        const month = date.getUTCMonth();
        assert.deepEqual(calendarParts(day), {
          dayOfWeek: (date.getUTCDay() + 6) % 7,
          dayOfMonth: date.getUTCDate(),
          month: month + 1,
          daysInMonth: new Date(Date.UTC(year, month + 1, 0)).getUTCDate(),
        });
      }),
      { numRuns: 5000 },
    );
  });
});
