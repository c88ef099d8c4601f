import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Example } from "../preprocess/examples";
import { evaluatePredictions } from "./evaluate";

function example(target: number, last: number, median: number, weekday: number): Example {
  return {
    userId: "u",
    date: "2024-01-01",
    day: 0,
    target,
    sequence: [[]],
    current: [],
    baselines: {
      last_visit_first_hour: last,
      user_median_first_hour: median,
      same_weekday_last_seen: weekday,
    },
  };
}

describe("evaluation metrics", () => {
  it("match a hand computation with circular errors", () => {
    const examples = [example(0, 23, 1, 12), example(8, 10, 8, 8), example(22, 1, 21, 22)];
    const result = evaluatePredictions(examples, [1, 7, 23]);
    // model errors 1, 1, 1; last visit 1, 2, 3; median 1, 0, 1; same weekday 12, 0, 0
    assert.deepEqual(result.model, { mae: 1, rmse: 1 });
    assert.ok(Math.abs(result.baselines.last_visit_first_hour.mae - 2) < 1e-12);
    assert.ok(Math.abs(result.baselines.last_visit_first_hour.rmse - Math.sqrt(14 / 3)) < 1e-12);
    assert.ok(Math.abs(result.baselines.user_median_first_hour.mae - 2 / 3) < 1e-12);
    assert.ok(Math.abs(result.baselines.same_weekday_last_seen.rmse - Math.sqrt(48)) < 1e-12);
    assert.equal(result.best_baseline, "user_median_first_hour");
    assert.ok(Math.abs(result.improvement_over_best_baseline - (1 - 1 / (2 / 3))) < 1e-12);
    assert.equal(result.n_test, 3);
  });
});
