import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Worker } from "node:worker_threads";
import { formatDay } from "../core/dates";
import { dailyVisitToJson } from "../data/daily-visits";
import { readDailyVisits } from "../data/read-daily-visits";
import { buildExamples, groupByUser } from "../preprocess/examples";
import { generatedDailyVisits, tempDir } from "../test-support/fixtures";
import { saveUntrainedModel } from "../test-support/model";
import { batchedPredictor, type InferenceSpec } from "./batched-predictor";
import { type InferencePool, spawnWorker, startInferencePool } from "./inference-pool";
import type { InferenceWorkerData } from "./inference-worker";
import { invocationHandler } from "./invocation";
import { loadInferenceSpec } from "./predictor";
import { requestChecker } from "./request-check";

const encode = (text: string) => new TextEncoder().encode(text);

describe("the inference worker pool", () => {
  let data: InferenceWorkerData;
  let bodies: string[];
  const pools: InferencePool[] = [];

  before(async () => {
    const dir = tempDir();
    const csv = await generatedDailyVisits(join(dir, "data"), { users: 5, days: 40, seed: 9 });
    const { visits } = readDailyVisits(csv);
    const modelDir = join(dir, "model");
    await saveUntrainedModel(modelDir, buildExamples(visits, { historyLength: 7, minHistory: 2 }), 7);
    const spec: InferenceSpec = await loadInferenceSpec(modelDir);
    data = { spec, batching: { windowMs: 1, maxBatch: 16, maxQueued: 1000 }, maxInstances: 50 };
    const instances = [...groupByUser(visits).values()].flatMap((history) =>
      [3, 8, 14]
        .filter((end) => end < history.length)
        .map((end) => ({
          date: formatDay(history[end]!.day),
          history: history.slice(0, end).map(dailyVisitToJson),
        })),
    );
    // Requests of 1..4 instances, then a bad one (its own 400) and malformed JSON.
    bodies = [];
    for (let start = 0, size = 1; start < instances.length; start += size, size = (size % 4) + 1) {
      bodies.push(JSON.stringify({ instances: instances.slice(start, start + size) }));
    }
    bodies.push(JSON.stringify({ instances: [{ ...instances[0], date: "yesterday" }] }), "{not json");
  });
  after(() => Promise.all(pools.map((pool) => pool.close())));

  it("answers concurrent bodies with the very text the server's own thread gives", async () => {
    const pool = await startInferencePool(data, 2);
    pools.push(pool);
    const inThread = invocationHandler(
      batchedPredictor(data.spec, data.batching, data.maxInstances),
      requestChecker(50),
    );
    const expected = await Promise.all(bodies.map((body) => inThread.answer(encode(body))));
    const answers = await Promise.all(bodies.map((body) => pool.answer(encode(body))));
    assert.deepEqual(answers, expected);
    const statuses = answers.map((answer) => answer.status);
    assert.equal(statuses.filter((status) => status === 200).length, bodies.length - 2);
    assert.match(answers.at(-2)!.text, /instances\[0\]\.date/);
    assert.match(answers.at(-1)!.text, /not valid JSON/);
  });

  it("fails the requests of a worker that stops, and replaces it", async () => {
    const started: Worker[] = [];
    const pool = await startInferencePool(data, 1, (workerData) => {
      const worker = spawnWorker(workerData);
      started.push(worker);
      return worker;
    });
    pools.push(pool);
    const body = encode(bodies[0]!);
    const pending = pool.answer(body.slice());
    await started[0]!.terminate();
    await assert.rejects(pending, /the inference worker stopped: exit code 1/);
    assert.equal(started.length, 2, "a second worker was started");
    const answer = await pool.answer(body.slice());
    assert.equal(answer.status, 200);
  });
});
