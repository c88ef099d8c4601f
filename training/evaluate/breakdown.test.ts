import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseDay } from "../core/dates";
import { errorBreakdown } from "./breakdown";

const columns = (rows: [date: string, target: number, baseline: number][]) => ({
  days: rows.map(([date]) => parseDay(date) ?? Number.NaN),
  targets: rows.map(([, target]) => target),
  baseline: rows.map(([, , baseline]) => baseline),
});

describe("error breakdown", () => {
  it("averages circular errors by actual hour and by weekday (Monday = 0)", () => {
    const examples = columns([
      ["2026-11-23", 23, 1], // Monday; model 0 → 1 h, baseline 1 → 2 h
      ["2026-11-23", 23, 23], // Monday; model 22 → 1 h, baseline 0 h
      ["2026-11-29", 8, 11], // Sunday; model 8 → 0 h, baseline 3 h
    ]);
    const breakdown = errorBreakdown(examples, [0, 22, 8]);
    assert.deepEqual(breakdown.error_by_hour, [
      { key: 8, n: 1, model_mae: 0, baseline_mae: 3 },
      { key: 23, n: 2, model_mae: 1, baseline_mae: 1 },
    ]);
    assert.deepEqual(breakdown.error_by_weekday, [
      { key: 0, n: 2, model_mae: 1, baseline_mae: 1 },
      { key: 6, n: 1, model_mae: 0, baseline_mae: 3 },
    ]);
    assert.throws(() => errorBreakdown(examples, [1]), /one prediction, day and baseline per example/);
  });
});
