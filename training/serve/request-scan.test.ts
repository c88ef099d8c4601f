import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import fc from "fast-check";
import { compileWat, REQUEST_SCAN } from "../../scripts/build-wasm";
import { RequestScan, VISIT_SLOTS } from "./request-scan";
import { REQUEST_SCAN_WASM_BASE64 } from "./request-scan-wasm";

/** A one-visit body whose time_spent_sec is written as `number`. */
const bodyWith = (number: string) =>
  new TextEncoder().encode(
    `{"instances":[{"date":"2024-02-03","history":[{"visit_date":"2024-02-01","time_spent_sec":${number},` +
      `"page_views":1,"type1_views":0,"type2_views":0,"type3_views":0,"type4_views":0,"first_hour":3,` +
      `"last_hour":3,"hours_visited":1,"platform":"web"}]}]}`,
  );

const digits = (min: number, max: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((list) => list.join(""));

/** JSON numbers as writers write them: shortest doubles, fixed decimals of any length, exponents. */
const jsonNumber = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => JSON.stringify(value)),
  fc
    .tuple(
      fc.boolean(),
      fc.oneof(
        fc.constant("0"),
        fc
          .tuple(fc.integer({ min: 1, max: 9 }), fc.oneof(digits(0, 6), digits(0, 17)))
          .map(([d, r]) => `${d}${r}`),
      ),
      fc.option(fc.oneof(digits(1, 6), digits(1, 20))),
      fc.oneof(
        { weight: 3, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.tuple(fc.constantFrom("e", "E", "e+", "E-", "e-"), digits(1, 3)) },
      ),
    )
    .map(
      ([negative, whole, fraction, exponent]) =>
        `${negative ? "-" : ""}${whole}${fraction === null ? "" : `.${fraction}`}${exponent === null ? "" : exponent.join("")}`,
    ),
);

describe("the request reader's byte pass (request-scan.wat)", () => {
  it("reads every number as JSON.parse does, to the last bit", () => {
    const scan = new RequestScan(1);
    let computed = 0;
    fc.assert(
      fc.property(jsonNumber, (text) => {
        assert.equal(scan.scan(bodyWith(text)), 1, text);
        const read = scan.floats[scan.visitAt(0) + VISIT_SLOTS.timeSpentSec];
        assert.ok(Object.is(read, JSON.parse(text)), `${text}: ${read} against ${JSON.parse(text)}`);
        if (!/[eE]/.test(text) && text.replace(/[-.]/g, "").length <= 15) computed++;
      }),
      { numRuns: 5000, seed: 4 },
    );
    assert.ok(computed > 1500, `${computed} numbers computed by the pass itself`);
  });

  it("gives up on numbers JSON does not allow", () => {
    const scan = new RequestScan(1);
    for (const text of [
      "01",
      "-",
      "1.",
      ".5",
      "+1",
      "1e",
      "1e+",
      "0x10",
      "NaN",
      "Infinity",
      "1_000",
      "--1",
      "1.2.3",
    ]) {
      assert.throws(() => JSON.parse(text), text);
      assert.equal(scan.scan(bodyWith(text)), 0, text);
    }
  });

  it("runs the bytes compiled from request-scan.wat (npm run build:wasm)", async () => {
    const compiled = Buffer.from(await compileWat(REQUEST_SCAN.wat)).toString("base64");
    assert.equal(REQUEST_SCAN_WASM_BASE64, compiled, "request-scan-wasm.ts is stale: run npm run build:wasm");
    assert.match(readFileSync(REQUEST_SCAN.wat, "utf8"), /func \(export "scan"\)/);
  });
});
