import assert from "node:assert/strict";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import fc from "fast-check";
import { formatDay } from "../core/dates";
import { dailyVisitToJson } from "../data/daily-visits";
import { readDailyVisits } from "../data/read-daily-visits";
import { CURRENT_COLUMNS, STEP_COLUMNS } from "../features/features";
import type { Normalisation } from "../features/normalisation";
import { buildExamples, groupByUser } from "../preprocess/examples";
import { generatedDailyVisits, tempDir } from "../test-support/fixtures";
import { historyEntry } from "../test-support/history-entry";
import { saveUntrainedModel } from "../test-support/model";
import { requestBody } from "../test-support/request-bodies";
import { batchedPredictor } from "./batched-predictor";
import { RequestFeatureWriter } from "./input-writer";
import { type InvocationHandler, invocationHandler, predictionsJson } from "./invocation";
import { loadInferenceSpec } from "./predictor";
import { requestChecker } from "./request-check";
import type { ParsedRequest } from "./request";
import { RequestReader } from "./request-reader";

/** Statistics that move every column (a unit normalisation would hide a column read from the wrong place). */
const stats = (width: number, seed: number) => ({
  mean: Array.from({ length: width }, (_, k) => ((k * 7 + seed) % 5) / 10),
  std: Array.from({ length: width }, (_, k) => 0.5 + ((k * 3 + seed) % 4) / 4),
});
const NORMALISATION: Normalisation = {
  step: stats(STEP_COLUMNS.length, 1),
  current: stats(CURRENT_COLUMNS.length, 2),
};

const encode = (text: string) => new TextEncoder().encode(text);

/** The ways one body's JSON may be written: each must read as the plain text does, or be given up on. */
const WRITINGS: Record<string, (body: unknown) => string> = {
  plain: (body) => JSON.stringify(body) ?? "null",
  // White space everywhere JSON allows it.
  spaced: (body) => (JSON.stringify(body, null, "\t") ?? "null").replace(/\n/g, "\r\n  ") + " \n",
  // Every number in exponent form, with a redundant fraction.
  exponents: (body) =>
    (JSON.stringify(body) ?? "null").replace(
      /:(-?\d+)(\.\d+)?(?=[,}\]])/g,
      (_, whole: string, fraction = ".0") => `:${whole}${fraction}0E+0`,
    ),
  // A key twice in every object: JSON.parse keeps the last value.
  duplicated: (body) =>
    (JSON.stringify(body) ?? "null").replace(/\{"/g, '{"first_hour":23,"date":"2000-01-01","instances":0,"'),
  // Keys in reverse order.
  reversed: (body) =>
    JSON.stringify(body, (_, value: unknown) =>
      value !== null && typeof value === "object" && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).reverse())
        : value,
    ) ?? "null",
};

/** What the full path makes of a body's text: JSON.parse, the request check, RequestFeatureWriter. */
function fullPath(text: string, check: (body: unknown) => ParsedRequest, features: RequestFeatureWriter) {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const checked = check(json);
  return checked.ok ? features.write(checked.instances) : undefined;
}

describe("the request reader (the served path's parse, check and features in one pass over the bytes)", () => {
  for (const [maxInstances, steps] of [
    [1000, 7],
    [2, 3],
  ] as const) {
    it(`accepts what JSON.parse and the request check accept, with the same inputs (${maxInstances} instances, ${steps} steps)`, () => {
      const reader = new RequestReader(maxInstances, steps, NORMALISATION);
      const check = requestChecker(maxInstances);
      const features = new RequestFeatureWriter(steps, NORMALISATION);
      let valid = 0;
      let reads = 0;
      fc.assert(
        fc.property(requestBody, fc.constantFrom(...Object.keys(WRITINGS)), (body, writing) => {
          const text = WRITINGS[writing]!(body);
          const expected = fullPath(text, check, features);
          const read = reader.read(encode(text));
          if (expected === undefined) return assert.equal(read, undefined, text);
          valid++;
          // Histories of up to 6 visits: with 3 steps, the window drops visits (and pads short ones).
          // Only a valid body the reader cannot hold may be given up on: one with keys out of the contract
          // (JSON.parse keeps the last of twice the same key; the check ignores keys it does not know), or a
          // date with space around it.
          if (read === undefined) {
            return writing === "duplicated" || assert.match(text, /"(visit_)?date":\s*" /, text);
          }
          reads++;
          assert.deepEqual(read, expected);
        }),
        { numRuns: 3000, seed: steps },
      );
      assert.ok(valid > 300 && reads > valid / 2, `${valid} valid requests, ${reads} read`);
    });
  }

  it("gives up on every mutation of a body that JSON.parse or the check refuses, and reads the rest alike", () => {
    const reader = new RequestReader(100, 5, NORMALISATION);
    const check = requestChecker(100);
    const features = new RequestFeatureWriter(5, NORMALISATION);
    const [body] = fc.sample(
      requestBody.filter((candidate) => check(candidate).ok),
      { numRuns: 1, seed: 3 },
    );
    const text = JSON.stringify(body);
    assert.ok(reader.read(encode(text)) !== undefined, "the body itself is read");
    // Bytes that matter to JSON's grammar and to the reader's shortcuts.
    const alphabet = [...' \t\n{}[],:"\\-+.0123456789eEaz\u00e9\u0000'];
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.nat(text.length - 1),
        fc.integer({ min: 0, max: 3 }),
        fc.constantFrom(...alphabet),
        (at, cut, inserted) => {
          const mutated = text.slice(0, at) + inserted + text.slice(at + cut);
          const expected = fullPath(mutated, check, features);
          const read = reader.read(encode(mutated));
          if (read === undefined) return;
          accepted++;
          assert.deepEqual(read, expected, mutated);
        },
      ),
      { numRuns: 4000, seed: 9 },
    );
    assert.ok(accepted > 100, `${accepted} mutated bodies read`);
  });

  it("reads numbers as JSON.parse does, however they are written", () => {
    const reader = new RequestReader(1, 1, NORMALISATION);
    const features = new RequestFeatureWriter(1, NORMALISATION);
    const check = requestChecker(1);
    const written = [
      "1234.5",
      "0.1",
      "0.30000000000000004",
      "123456789012345.6",
      "1e3",
      "1E-2",
      "0.000001",
      "86400",
      "-0",
      "-0.0",
      "5e-324",
      "12345678901234567890",
    ];
    for (const number of written) {
      const text = `{"instances":[{"date":"2024-02-03","history":[{"visit_date":"2024-02-01","time_spent_sec":${number},"page_views":1,"type1_views":0,"type2_views":0,"type3_views":0,"type4_views":0,"first_hour":3,"last_hour":3,"hours_visited":1,"platform":"web"}]}]}`;
      const expected = fullPath(text, check, features);
      assert.deepEqual(reader.read(encode(text)), expected, number);
      if (Number(number) <= 86_400) assert.notEqual(expected, undefined, number);
    }
  });
});

describe("the served /invocations answer", () => {
  let handler: InvocationHandler;
  let expectedFor: (body: unknown) => Promise<string>;
  let bodies: unknown[];

  before(async () => {
    const dir = tempDir();
    const csv = await generatedDailyVisits(join(dir, "data"), { users: 4, days: 40, seed: 5 });
    const { visits } = readDailyVisits(csv);
    const modelDir = join(dir, "model");
    await saveUntrainedModel(modelDir, buildExamples(visits, { historyLength: 7, minHistory: 2 }), 7);
    const spec = await loadInferenceSpec(modelDir);
    const batching = { windowMs: 0, maxBatch: 64, maxQueued: 1000 };
    const predictor = batchedPredictor(spec, batching, 100);
    handler = invocationHandler(predictor, requestChecker(100));
    // The path before the reader: the full check, then RequestFeatureWriter's features.
    const check = requestChecker(100);
    expectedFor = async (body) => {
      const checked = check(body);
      if (!checked.ok) return JSON.stringify({ error: checked.error });
      return predictionsJson(await predictor.probabilities(checked.instances));
    };
    bodies = [...groupByUser(visits).values()].map((history) => ({
      instances: [3, 8, 14]
        .filter((end) => end < history.length)
        .map((end) => ({
          date: formatDay(history[end]!.day),
          history: history.slice(0, end).map(dailyVisitToJson),
        })),
    }));
  });

  it("is the same for a body however its JSON is written", async () => {
    const body = bodies[0] as { instances: { date: string; history: Record<string, unknown>[] }[] };
    const plain = JSON.stringify(body);
    const expected = await expectedFor(body);
    assert.match(expected, /^\{"predictions":\[/);
    // Whitespace everywhere JSON allows it, keys in reverse order, escapes, numbers in exponent form, unicode.
    const spaced = JSON.stringify(body, null, "\t").replace(/\n/g, "\r\n  ");
    const reversed = JSON.stringify({
      instances: body.instances.map((instance) => ({
        history: instance.history.map((visit) => Object.fromEntries(Object.entries(visit).reverse())),
        date: instance.date,
      })),
    });
    const escaped = plain.replace(/"date"/g, '"\\u0064ate"').replace(/"ios"/g, '"\\u0069OS"');
    const exponents = plain
      .replace(/"page_views":(\d+)/g, '"page_views":$1e0')
      .replace(
        /"time_spent_sec":(\d+)(\.\d+)?/g,
        (_, whole: string, fraction = "") => `"time_spent_sec":${whole}${fraction}0E-0`,
      );
    for (const variant of [spaced, reversed, escaped, exponents]) assert.notEqual(variant, plain);
    const unicode = plain.replace(/"visit_date"/g, '"user_id":"użytkownik 🙂","visit_date"');
    for (const text of [plain, spaced, reversed, escaped, exponents, unicode]) {
      const answer = await handler.answer(encode(text));
      assert.deepEqual(answer, { status: 200, text: expected }, text.slice(0, 120));
    }
  });

  it("answers every generated body as the full check and RequestFeatureWriter do", async () => {
    const samples = fc.sample(requestBody, { numRuns: 300, seed: 11 });
    let ok = 0;
    for (const body of [...bodies, ...samples]) {
      const answer = await handler.answer(encode(JSON.stringify(body) ?? "null"));
      const expected = await expectedFor(body);
      assert.deepEqual(answer, { status: expected.startsWith('{"error"') ? 400 : 200, text: expected });
      if (answer.status === 200) ok++;
    }
    assert.ok(ok > 50, `${ok} answered 200`);
  });

  it("gives each kind of bad input the status and message it had before", async () => {
    const date = "2024-02-03";
    const good = historyEntry("2024-01-30");
    const cases: [unknown, string][] = [
      [
        { instances: [{ date, history: [{ ...good, first_hour: 24 }] }] },
        "instances[0].history[0].first_hour: must be 0..23",
      ],
      [
        { instances: [{ date, history: [good, good] }] },
        "instances[0].history[1].visit_date: history must be oldest first with one entry per day",
      ],
      [
        { instances: [{ date: "2025-02-03", history: [good] }] },
        "instances[0].date: must be at most 366 days after the last history visit (2024-01-30)",
      ],
      [
        { instances: [{ date, history: [{ ...good, page_views: 100_001 }] }] },
        "instances[0].history[0].page_views: must be <= 100,000",
      ],
      [
        { instances: [{ date, history: [{ ...good, user_id: "  " }] }] },
        "instances[0].history[0].user_id: must not be empty",
      ],
      [
        { instances: [{ date, history: [{ ...good, platform: 3 }] }] },
        "instances[0].history[0].platform: must be a string",
      ],
      [
        { instances: [{ date, history: [] }] },
        "instances[0].history: must hold at least one daily visit before date",
      ],
      [{ instances: [] }, "instances: must hold at least one instance"],
      [
        { instances: Array.from({ length: 101 }, () => ({ date, history: [good] })) },
        "instances: must hold at most 100 instances per request",
      ],
      [
        { instances: [{ date: "2024-02-30", history: [good] }] },
        "instances[0].date: must be a date YYYY-MM-DD",
      ],
      [{}, "instances: is required"],
      [[1], '(root): must be an object {"instances": [...]}'],
    ];
    for (const [body, message] of cases) {
      const answer = await handler.answer(encode(JSON.stringify(body)));
      assert.deepEqual(answer, { status: 400, text: JSON.stringify({ error: message }) });
    }
    const broken = await handler.answer(encode('{"instances": [}'));
    assert.equal(broken.status, 400);
    assert.match(broken.text, /^\{"error":"body: not valid JSON \(/);
  });
});
