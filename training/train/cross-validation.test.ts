import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { rollingOriginFolds } from "./cross-validation";

describe("rolling-origin folds", () => {
  it("validate each fold on the period right after its training period", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 1000 }), (k, offset) => {
        // Two examples a day, in an order other than by day.
        const days = Int32Array.from({ length: 120 }, (_, i) => offset + ((i * 7) % 60));
        const folds = rollingOriginFolds(days, k);
        assert.equal(folds.length, k);
        folds.forEach((fold, i) => {
          const lastTrain = Math.max(...Array.from(fold.train, (position) => days[position]!));
          const firstValidation = Math.min(...Array.from(fold.validation, (position) => days[position]!));
          assert.equal(firstValidation, lastTrain + 1);
          if (i > 0) assert.ok(fold.train.length > folds[i - 1]!.train.length, "the origin rolls forward");
        });
        const last = folds[k - 1]!;
        assert.equal(last.train.length + last.validation.length, days.length);
        assert.deepEqual(
          [...last.train, ...last.validation].sort((a, b) => a - b),
          Array.from(days.keys()),
          "the last fold covers every example once",
        );
      }),
    );
  });

  it("refuses more folds than the days allow", () => {
    assert.throws(() => rollingOriginFolds([1, 2], 3), /fold 1 of 3 is empty/);
  });
});
