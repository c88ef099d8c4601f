import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { formatDay, parseDay } from "../core/dates";
import { dailyVisitJson } from "../data/daily-visits";
import { readDailyVisits } from "../data/read-daily-visits";
import { buildFeatures } from "../features/features";
import { loadHourModel } from "../model/model-io";
import { predictHours } from "../model/predict";
import { buildExamples } from "../preprocess/examples";
import { generatedDailyVisits, tempDir } from "../test-support/fixtures";
import { saveUntrainedModel } from "../test-support/model";
import { type RunningServer, startServer } from "./server";

const visit = (date: string, firstHour: number, overrides: Record<string, unknown> = {}) => ({
  visit_date: date,
  time_spent_sec: 42.5,
  page_views: 3,
  type1_views: 1,
  type2_views: 0,
  type3_views: 1,
  type4_views: 0,
  first_hour: firstHour,
  last_hour: 23,
  hours_visited: 1,
  platform: "Android",
  ...overrides,
});

describe("the inference server", () => {
  let server: RunningServer;
  let modelDir: string;
  let url: string;
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}/invocations`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  before(async () => {
    const dir = tempDir();
    const csv = await generatedDailyVisits(join(dir, "data"), { users: 4, days: 30, seed: 9 });
    const { visits } = readDailyVisits(csv);
    modelDir = join(dir, "model");
    await saveUntrainedModel(modelDir, buildExamples(visits, { historyLength: 7, minHistory: 2 }), 7);
    server = await startServer({
      modelDir,
      port: 0,
      host: "127.0.0.1",
      maxBodyBytes: 64 * 1024,
      maxInstances: 50,
    });
    url = `http://127.0.0.1:${server.port}`;
  });
  after(() => server.close());

  it("answers /ping", async () => {
    const response = await fetch(`${url}/ping`);
    assert.equal(response.status, 200);
  });

  it("predicts a batch, with the same features and model output as the offline code", async () => {
    const first = [
      visit("2024-01-30", 23),
      visit("2024-01-31", 0),
      visit("2024-02-01", 22, { platform: "web" }),
    ];
    const second = [visit("2023-12-31", 7, { last_hour: 9 })];
    const response = await post({
      instances: [
        { date: "2024-02-03", history: first },
        { date: "2024-01-01", history: second },
      ],
    });
    assert.equal(response.status, 200);
    const body = (await response.json()) as { predictions: { hour: number; probabilities: number[] }[] };
    assert.equal(body.predictions.length, 2);
    const loaded = await loadHourModel(modelDir);
    const history = first.map((entry) => dailyVisitJson.parse(entry));
    const offline = predictHours(loaded.model, loaded.normalisation, [
      buildFeatures(history, parseDay("2024-02-03")!, 7),
    ]);
    loaded.model.dispose();
    assert.equal(body.predictions[0]!.hour, offline[0]!.hour);
    for (const prediction of body.predictions) {
      assert.ok(Number.isInteger(prediction.hour) && prediction.hour >= 0 && prediction.hour <= 23);
      assert.equal(prediction.probabilities.length, 24);
    }
  });

  it("answers 400 naming the bad field", async () => {
    const cases: [unknown, RegExp][] = [
      ["{not json", /^body: not valid JSON/],
      [{}, /^instances: is required$/],
      [[1], /^\(root\): must be an object \{"instances": \[\.\.\.\]\}$/],
      [
        { instances: [{ date: "2024-02-03", history: [7] }] },
        /^instances\[0\]\.history\[0\]: must be an object with the daily-visits columns$/,
      ],
      [{ instances: ["x"] }, /^instances\[0\]: must be an object \{"date", "history"\}$/],
      [{ instances: {} }, /^instances: must be an array of instances$/],
      [{ instances: [{ history: [visit("2024-01-01", 5)] }] }, /^instances\[0\]\.date: is required$/],
      [{ instances: [] }, /^instances: must hold at least one instance/],
      [
        { instances: [{ date: "2024-02-30", history: [visit("2024-01-01", 5)] }] },
        /^instances\[0\]\.date: must be a date/,
      ],
      [
        { instances: [{ date: "2024-02-03", history: [] }] },
        /^instances\[0\]\.history: must hold at least one/,
      ],
      [
        { instances: [{ date: "2024-02-03", history: [visit("2024-01-01", 24)] }] },
        /^instances\[0\]\.history\[0\]\.first_hour: must be 0\.\.23/,
      ],
      [
        { instances: [{ date: "2024-02-03", history: [visit("2024-01-01", 5, { page_views: undefined })] }] },
        /^instances\[0\]\.history\[0\]\.page_views: is required$/,
      ],
      [
        {
          instances: [{ date: "2024-02-03", history: [visit("2024-01-01", 5, { time_spent_sec: "long" })] }],
        },
        /^instances\[0\]\.history\[0\]\.time_spent_sec: must be a number$/,
      ],
      [
        { instances: [{ date: "2024-02-03", history: [visit("2024-01-02", 5), visit("2024-01-01", 5)] }] },
        /^instances\[0\]\.history\[1\]\.visit_date: history must be oldest first/,
      ],
      [
        { instances: [{ date: "2024-02-03", history: [visit("2024-02-03", 5)] }] },
        /^instances\[0\]\.history\[0\]\.visit_date: must be before date/,
      ],
      // Values no user has (these were answered 200, or "must be a whole number" for 1e300).
      [
        { instances: [{ date: "2024-02-03", history: [visit("2024-01-01", 5, { time_spent_sec: 1e308 })] }] },
        /^instances\[0\]\.history\[0\]\.time_spent_sec: must be <= 86,400$/,
      ],
      [
        { instances: [{ date: "2024-02-03", history: [visit("2024-01-01", 5, { page_views: 1e300 })] }] },
        /^instances\[0\]\.history\[0\]\.page_views: must be <= 100,000$/,
      ],
      [
        { instances: [{ date: "2024-02-03", history: [visit("2024-01-01", 5, { type3_views: 100_001 })] }] },
        /^instances\[0\]\.history\[0\]\.type3_views: must be <= 100,000$/,
      ],
      [
        { instances: [{ date: "9999-12-31", history: [visit("2024-01-01", 5)] }] },
        /^instances\[0\]\.date: must be within 2000-01-01\.\.2099-12-31$/,
      ],
      [
        { instances: [{ date: "2024-02-03", history: [visit("1999-12-31", 5), visit("2024-01-01", 5)] }] },
        /^instances\[0\]\.history\[0\]\.visit_date: must be within 2000-01-01\.\.2099-12-31$/,
      ],
      [
        { instances: [{ date: "2025-01-02", history: [visit("2024-01-01", 5)] }] },
        /^instances\[0\]\.date: must be at most 366 days after the last history visit \(2024-01-01\)$/,
      ],
      [
        {
          instances: Array.from({ length: 51 }, () => ({
            date: "2024-02-03",
            history: [visit("2024-01-01", 5)],
          })),
        },
        /^instances: must hold at most 50 instances/,
      ],
    ];
    for (const [body, message] of cases) {
      const response = await post(body);
      assert.equal(response.status, 400, JSON.stringify(body).slice(0, 80));
      assert.match(((await response.json()) as { error: string }).error, message);
    }
    const wrongType = await post("{}", { "content-type": "text/csv" });
    assert.equal(wrongType.status, 415);
    assert.equal((await post("{}", { "content-type": "application/json-seq" })).status, 415);
    // No content type at all (a Uint8Array body gets none from fetch): refused too, not guessed.
    const untyped = await fetch(`${url}/invocations`, {
      method: "POST",
      body: new TextEncoder().encode(
        JSON.stringify({ instances: [{ date: "2024-02-03", history: [visit("2024-01-01", 5)] }] }),
      ),
    });
    assert.equal(untyped.status, 415);
    assert.match(
      ((await untyped.json()) as { error: string }).error,
      /^content-type: must be application\/json, got none$/,
    );
    assert.equal((await post("{}", { "content-type": "Application/JSON; charset=utf-8" })).status, 400);
  });

  it("answers concurrent callers each with their own predictions or their own 400", async () => {
    const loaded = await loadHourModel(modelDir);
    const requests = Array.from({ length: 24 }, (_, i) => {
      const history = [visit("2024-01-20", i % 24), visit("2024-01-25", (i * 7) % 24, { platform: "ios" })];
      // Every third caller sends a bad page_views of its own.
      return i % 3 === 2
        ? {
            bad: true,
            body: {
              instances: [{ date: "2024-02-01", history: [visit("2024-01-20", 5, { page_views: -i })] }],
            },
          }
        : {
            bad: false,
            body: { instances: [{ date: `2024-02-${String(1 + (i % 9)).padStart(2, "0")}`, history }] },
          };
    });
    const responses = await Promise.all(requests.map((request) => post(request.body)));
    for (const [i, response] of responses.entries()) {
      const request = requests[i]!;
      if (request.bad) {
        assert.equal(response.status, 400);
        assert.equal(
          ((await response.json()) as { error: string }).error,
          "instances[0].history[0].page_views: must be >= 0",
        );
        continue;
      }
      assert.equal(response.status, 200);
      const [answer] = (
        (await response.json()) as { predictions: { hour: number; probabilities: number[] }[] }
      ).predictions;
      const instance = request.body.instances[0]!;
      const [alone] = predictHours(loaded.model, loaded.normalisation, [
        buildFeatures(
          instance.history.map((entry) => dailyVisitJson.parse(entry)),
          parseDay(instance.date)!,
          7,
        ),
      ]);
      assert.equal(answer!.hour, alone!.hour, `request ${i}`);
      // The answer is rounded to 4 decimals: within half a unit of that, plus the batching tolerance.
      answer!.probabilities.forEach((p, h) =>
        assert.ok(Math.abs(p - alone!.probabilities[h]!) <= 5e-5 + 1e-5),
      );
    }
    loaded.model.dispose();
  });

  it("answers 413 for an oversized body and 404/405 for other routes", async () => {
    const history = Array.from({ length: 1500 }, (_, i) => visit(formatDay(parseDay("2020-01-01")! + i), 5));
    const big = await post({ instances: [{ date: "2024-12-31", history }] });
    assert.equal(big.status, 413);
    assert.match(((await big.json()) as { error: string }).error, /larger than 65536 bytes/);
    assert.equal((await fetch(`${url}/nothing`)).status, 404);
    assert.equal((await fetch(`${url}/invocations`)).status, 405);
  });
});
