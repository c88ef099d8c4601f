import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  circularErrorMetrics,
  circularHourDistance,
  circularMedianHour,
  leastExpectedErrorHour,
  softHourLabel,
  wrapHour,
} from "./hours";

const hour = fc.integer({ min: 0, max: 23 });
const anyHour = fc.double({ min: -1000, max: 1000, noNaN: true });

describe("circular hour arithmetic", () => {
  it("measures across midnight", () => {
    assert.equal(circularHourDistance(23, 0), 1);
    assert.equal(circularHourDistance(0, 23), 1);
    assert.equal(circularHourDistance(22, 2), 4);
    assert.equal(circularHourDistance(6, 18), 12);
    assert.equal(wrapHour(-1), 23);
    assert.equal(wrapHour(25), 1);
  });

  it("is a symmetric distance in [0, 12], invariant under whole-day shifts", () => {
    fc.assert(
      fc.property(anyHour, anyHour, fc.integer({ min: -5, max: 5 }), (a, b, days) => {
        const d = circularHourDistance(a, b);
        assert.ok(d >= 0 && d <= 12);
        assert.ok(Math.abs(d - circularHourDistance(b, a)) < 1e-9);
        assert.ok(Math.abs(d - circularHourDistance(a + 24 * days, b)) < 1e-6);
      }),
    );
  });

  it("satisfies the triangle inequality", () => {
    fc.assert(
      fc.property(hour, hour, hour, (a, b, c) => {
        assert.ok(circularHourDistance(a, c) <= circularHourDistance(a, b) + circularHourDistance(b, c));
      }),
    );
  });

  it("decodes a one-hot distribution to its hour and a two-point one across midnight to the near side", () => {
    fc.assert(
      fc.property(hour, (h) => {
        const p = new Array<number>(24).fill(0);
        p[h] = 1;
        assert.deepEqual(leastExpectedErrorHour(p), { hour: h, expectedError: 0 });
      }),
    );
    const split = new Array<number>(24).fill(0);
    split[23] = 0.6;
    split[1] = 0.4;
    // The arithmetic mean would be 13.8; the circular decoding stays near midnight.
    assert.equal(leastExpectedErrorHour(split).hour, 23);
  });

  it("takes the circular median over midnight", () => {
    assert.equal(circularMedianHour([23, 0, 1]), 0);
    assert.equal(circularMedianHour([22, 23, 23, 1]), 23);
    assert.equal(circularMedianHour([5]), 5);
    assert.throws(() => circularMedianHour([]));
  });

  it("builds soft labels that sum to one and peak at the hour", () => {
    fc.assert(
      fc.property(hour, fc.double({ min: 0, max: 4, noNaN: true }), (h, sigma) => {
        const label = softHourLabel(h, sigma);
        assert.ok(Math.abs(label.reduce((a, b) => a + b, 0) - 1) < 1e-9);
        assert.equal(label.indexOf(Math.max(...label)), h);
      }),
    );
    const wrapped = softHourLabel(0, 1);
    assert.ok(Math.abs((wrapped[23] ?? 0) - (wrapped[1] ?? 0)) < 1e-12);
  });

  it("computes circular MAE and RMSE", () => {
    const metrics = circularErrorMetrics([23, 5, 12], [1, 5, 0]);
    assert.ok(Math.abs(metrics.mae - (2 + 0 + 12) / 3) < 1e-12);
    assert.ok(Math.abs(metrics.rmse - Math.sqrt((4 + 0 + 144) / 3)) < 1e-12);
    assert.throws(() => circularErrorMetrics([1], [1, 2]));
  });
});
