// Fuzzing /invocations (issue 15): whatever JSON a client sends, and whatever it calls it, the server
// answers 200, 400, 413 or 415, never a 500, and stays up. Bodies range from random JSON values to requests
// of the right shape with random fields (numbers far out of range, wrong types, unicode strings, missing
// and extra keys), so that every check of the request is reached. Bounded runs keep it fast.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { readDailyVisits } from "../data/read-daily-visits";
import { buildExamples } from "../preprocess/examples";
import { generatedDailyVisits, tempDir } from "../test-support/fixtures";
import { saveUntrainedModel } from "../test-support/model";
import { type RunningServer, startServer } from "./server";

const ANSWERS = new Set([200, 400, 413, 415]);

/** Any JSON-ish value a field could hold, the awkward ones weighted up. */
const anyField = fc.oneof(
  fc.double(),
  fc.integer({ min: -1e6, max: 1e6 }),
  fc.constantFrom(1e308, -1e308, 1e300, 0.5, -0, 23, 24, -1, 86_400, 86_401, 100_000, 100_001),
  fc.string(),
  fc.constantFrom("2024-02-29", "2024-02-30", "9999-12-31", "0001-01-01", "1999-12-31", "2024-1-1", ""),
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

const validDay = fc
  .integer({ min: 0, max: 60 })
  .map((offset) => new Date(Date.UTC(2024, 0, 1 + offset)).toISOString().slice(0, 10));

/** A history entry of the right shape, each field either plausible or anything at all. */
const historyEntry = fc.record(
  {
    visit_date: fc.oneof(validDay, anyField),
    time_spent_sec: fc.oneof(fc.double({ min: 0, max: 86_400, noNaN: true }), anyField),
    page_views: fc.oneof(fc.integer({ min: 0, max: 50 }), anyField),
    type1_views: fc.oneof(fc.integer({ min: 0, max: 5 }), anyField),
    type2_views: fc.oneof(fc.integer({ min: 0, max: 5 }), anyField),
    type3_views: fc.oneof(fc.integer({ min: 0, max: 5 }), anyField),
    type4_views: fc.oneof(fc.integer({ min: 0, max: 5 }), anyField),
    first_hour: fc.oneof(fc.integer({ min: 0, max: 23 }), anyField),
    last_hour: fc.oneof(fc.integer({ min: 0, max: 23 }), anyField),
    hours_visited: fc.oneof(fc.integer({ min: 1, max: 3 }), anyField),
    platform: fc.oneof(fc.constantFrom("ios", "android", "web", "🙂"), anyField),
    user_id: fc.string({ unit: "grapheme", maxLength: 8 }),
  },
  { requiredKeys: [] },
);

const instance = fc.record(
  {
    date: fc.oneof(validDay, anyField),
    history: fc.oneof(fc.array(historyEntry, { maxLength: 6 }), anyField),
  },
  { requiredKeys: [] },
);

const body = fc.oneof(
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  {
    weight: 3,
    arbitrary: fc.record({ instances: fc.oneof(fc.array(instance, { maxLength: 4 }), anyField) }),
  },
  { weight: 1, arbitrary: fc.array(instance, { maxLength: 2 }) },
);

const contentType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "text/plain",
  "application/x-www-form-urlencoded",
  "",
);

describe("POST /invocations under random JSON", () => {
  let server: RunningServer;
  let url: string;

  before(async () => {
    const dir = tempDir();
    const csv = await generatedDailyVisits(join(dir, "data"), { users: 4, days: 30, seed: 9 });
    const { visits } = readDailyVisits(csv);
    const modelDir = join(dir, "model");
    await saveUntrainedModel(modelDir, buildExamples(visits, { historyLength: 7, minHistory: 2 }), 7);
    server = await startServer({
      modelDir,
      port: 0,
      host: "127.0.0.1",
      maxBodyBytes: 16 * 1024,
      maxInstances: 50,
    });
    url = `http://127.0.0.1:${server.port}`;
  });
  after(() => server.close());

  it("answers 200, 400, 413 or 415, never 500, and stays up", async () => {
    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(body, contentType, fc.boolean(), async (value, type, mangle) => {
        // A mangled body is the JSON text cut short: invalid JSON of the right start.
        const text = JSON.stringify(value) ?? "null";
        const sent = mangle ? text.slice(0, Math.max(1, text.length - 1)) : text;
        const response = await fetch(`${url}/invocations`, {
          method: "POST",
          headers: type === "" ? {} : { "content-type": type },
          body: sent,
        });
        const answer = await response.text();
        seen.set(response.status, (seen.get(response.status) ?? 0) + 1);
        assert.ok(ANSWERS.has(response.status), `${response.status} for ${type} ${sent}: ${answer}`);
        if (response.status === 400) {
          assert.match((JSON.parse(answer) as { error: string }).error, /\S: \S/, "the field is named");
        }
        if (response.status === 200) {
          const { predictions } = JSON.parse(answer) as { predictions: { hour: number }[] };
          assert.ok(predictions.every(({ hour }) => Number.isInteger(hour) && hour >= 0 && hour <= 23));
        }
      }),
      { numRuns: 300, seed: 15 },
    );
    assert.equal((await fetch(`${url}/ping`)).status, 200, "the server is still up");
    // The runs reached the checks, and some requests were good enough to be predicted.
    assert.ok((seen.get(400) ?? 0) > 50 && (seen.get(415) ?? 0) > 10, JSON.stringify([...seen]));
  });

  it("answers a body over its limit with 413, not a crash", async () => {
    const big = JSON.stringify({ instances: [{ date: "2024-01-01", history: [], pad: "x".repeat(20_000) }] });
    const response = await fetch(`${url}/invocations`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: big,
    });
    assert.equal(response.status, 413);
    assert.equal((await fetch(`${url}/ping`)).status, 200);
  });
});
