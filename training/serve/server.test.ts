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
