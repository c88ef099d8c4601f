import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { historyEntry } from "../test-support/history-entry";
import { requestBody } from "../test-support/request-bodies";
import { invocationParser } from "./request";
import { requestChecker } from "./request-check";

describe("the hand-written request check", () => {
  for (const maxInstances of [1000, 2]) {
    it(`gives zod's result and first error on generated requests (at most ${maxInstances} instances)`, () => {
      const zod = invocationParser(maxInstances);
      const fast = requestChecker(maxInstances);
      let valid = 0;
      fc.assert(
        fc.property(requestBody, (request) => {
          const expected = zod(request);
          if (expected.ok) valid++;
          assert.deepEqual(fast(request), expected);
        }),
        { numRuns: 2000, seed: maxInstances },
      );
      // Both outcomes are exercised, not only errors.
      assert.ok(valid > 200, `${valid} valid requests`);
    });
  }

  it("names the field of each kind of problem", () => {
    const check = requestChecker(1000);
    const good = historyEntry("2024-01-30");
    const error = (history: unknown[], date = "2024-02-03") => {
      const result = check({ instances: [{ date, history }] });
      return result.ok ? "ok" : result.error;
    };
    assert.equal(error([good]), "ok");
    assert.equal(error([{ ...good, first_hour: 24 }]), "instances[0].history[0].first_hour: must be 0..23");
    assert.equal(
      error([good, good]),
      "instances[0].history[1].visit_date: history must be oldest first with one entry per day",
    );
    assert.equal(
      error([good], "2025-02-03"),
      "instances[0].date: must be at most 366 days after the last history visit (2024-01-30)",
    );
    assert.equal(
      error([{ ...good, page_views: 100_001 }]),
      "instances[0].history[0].page_views: must be <= 100,000",
    );
    assert.equal(check(null).ok ? "" : (check(null) as { error: string }).error, "(root): is required");
  });
});
