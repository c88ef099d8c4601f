import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { HOURS_PER_DAY } from "../core/hours";
import { seededRandom } from "../core/random";
import { decodePredictions } from "../model/predict";
import { predictionsJson } from "./invocation";

const round4 = (value: number) => Math.round(value * 1e4) / 1e4;

describe("the /invocations response text", () => {
  it("is what JSON.stringify writes for the decoded predictions, edge values included", () => {
    const random = seededRandom(7);
    const rows = 300;
    const probabilities = new Float32Array(rows * HOURS_PER_DAY);
    for (let i = 0; i < probabilities.length; i++) probabilities[i] = random() ** 3;
    // Rows of edge values: 0, 1, halves of the 4th decimal, the smallest values that round up.
    const edges = [0, 1, 0.99995, 0.00005, 0.00004999, 0.12345, 0.5, 1e-7, 0.0001, 0.1];
    edges.forEach((value, i) => probabilities.fill(value, i * HOURS_PER_DAY, (i + 1) * HOURS_PER_DAY));
    const expected = JSON.stringify({
      predictions: decodePredictions(probabilities).map((prediction) => ({
        hour: prediction.hour,
        expected_error_hours: round4(prediction.expectedErrorHours),
        probabilities: prediction.probabilities.map(round4),
      })),
    });
    assert.equal(predictionsJson(probabilities), expected);
    assert.equal(predictionsJson(new Float32Array(0)), '{"predictions":[]}');
  });
});
