import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { rollingOriginFolds } from "./cross-validation";

describe("rolling-origin folds", () => {
  it("validate each fold on the period right after its training period", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 1000 }), (k, offset) => {
        const items = Array.from({ length: 60 }, (_, i) => ({ day: offset + i }));
        const folds = rollingOriginFolds(items, k);
        assert.equal(folds.length, k);
        folds.forEach((fold, i) => {
          const lastTrain = Math.max(...fold.train.map((item) => item.day));
          const firstValidation = Math.min(...fold.validation.map((item) => item.day));
          assert.equal(firstValidation, lastTrain + 1);
          if (i > 0) assert.ok(fold.train.length > folds[i - 1]!.train.length, "the origin rolls forward");
        });
        const last = folds[k - 1]!;
        assert.equal(last.train.length + last.validation.length, items.length);
      }),
    );
  });

  it("refuses more folds than the days allow", () => {
    assert.throws(() => rollingOriginFolds([{ day: 1 }, { day: 2 }], 3), /fold 1 of 3 is empty/);
  });
});
