import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compliantFunction, fn } from "./fixtures/functions";
import { lambdaTimeouts } from "./lambda-timeouts";
import { changed, check } from "./testing";

describe("lambda-timeouts", () => {
  it("passes an explicit timeout within the bound", async () => {
    assert.deepEqual(await check(lambdaTimeouts, [fn(compliantFunction)]), []);
  });

  it("reports a missing or too long timeout", async () => {
    assert.deepEqual(
      await check(lambdaTimeouts, [fn(changed(compliantFunction, (f) => void delete f.timeout))]),
      [
        "mandatory start-query: timeout is not set (Lambda's default is 3 seconds); set it, at most 300 seconds",
      ],
    );
    assert.deepEqual(await check(lambdaTimeouts, [fn(compliantFunction)], { maxTimeoutSeconds: 30 }), [
      "mandatory start-query: timeout 60 exceeds maxTimeoutSeconds (30)",
    ]);
  });
});
