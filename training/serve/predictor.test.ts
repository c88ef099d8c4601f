import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { readDailyVisits } from "../data/read-daily-visits";
import { decodePredictions, type HourPrediction } from "../model/predict";
import { buildExamples, groupByUser } from "../preprocess/examples";
import { generatedDailyVisits, tempDir } from "../test-support/fixtures";
import { saveUntrainedModel } from "../test-support/model";
import type { BatchedPredictor } from "./batched-predictor";
import { loadPredictor } from "./predictor";
import type { Instance } from "./request";

describe("the micro-batched predictor", () => {
  let instances: Instance[];
  let batched: BatchedPredictor;
  let unbatched: BatchedPredictor;

  before(async () => {
    const dir = tempDir();
    const csv = await generatedDailyVisits(join(dir, "data"), { users: 6, days: 40, seed: 21 });
    const { visits } = readDailyVisits(csv);
    const modelDir = join(dir, "model");
    await saveUntrainedModel(modelDir, buildExamples(visits, { historyLength: 7, minHistory: 2 }), 7);
    // Every user's visits as targets of their earlier history: short (padded) and long histories alike.
    instances = [...groupByUser(visits).values()].flatMap((history) =>
      history.slice(1, 16).map((visit, k) => ({ day: visit.day, history: history.slice(0, k + 1) })),
    );
    const limits = { windowMs: 2, maxBatch: 7, maxQueued: 10_000, maxInstances: 1000 };
    batched = await loadPredictor(modelDir, limits);
    unbatched = await loadPredictor(modelDir, { ...limits, unbatched: true });
  });
  after(() => {
    batched.dispose();
    unbatched.dispose();
  });

  it("predicts concurrent requests, split and coalesced across batches, as each instance predicted alone", async () => {
    assert.ok(instances.length > 60, `${instances.length} instances`);
    // Requests of 1..5 instances submitted at once: batches of 7 mix requests and split some of them.
    const requests: Instance[][] = [];
    for (let start = 0, size = 1; start < instances.length; start += size, size = (size % 5) + 1) {
      requests.push(instances.slice(start, start + size));
    }
    const answers = (
      await Promise.all(
        requests.map(async (request) => decodePredictions(await batched.probabilities(request))),
      )
    ).flat();
    const alone: HourPrediction[] = [];
    for (const instance of instances)
      alone.push(...decodePredictions(await unbatched.probabilities([instance])));
    assert.equal(answers.length, instances.length);
    let largest = 0;
    answers.forEach((answer, i) => {
      const reference = alone[i]!;
      assert.equal(answer.hour, reference.hour, `instance ${i}`);
      answer.probabilities.forEach((p, h) => {
        largest = Math.max(largest, Math.abs(p - reference.probabilities[h]!));
      });
    });
    assert.ok(largest <= 1e-5, `largest probability difference ${largest}`);
    // The model is not uniform (else equal hours would prove little).
    assert.ok(new Set(alone.map((prediction) => prediction.hour)).size > 1);
  });
});
