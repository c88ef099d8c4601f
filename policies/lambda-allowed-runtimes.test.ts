import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compliantFunction, fn } from "./fixtures/functions";
import { lambdaAllowedRuntimes } from "./lambda-allowed-runtimes";
import { changed, check } from "./testing";

describe("lambda-allowed-runtimes", () => {
  it("passes an allowed runtime and container images", async () => {
    assert.deepEqual(await check(lambdaAllowedRuntimes, [fn(compliantFunction)]), []);
    const image = changed(compliantFunction, (f) => {
      delete f.runtime;
      f.packageType = "Image";
    });
    assert.deepEqual(await check(lambdaAllowedRuntimes, [fn(image)]), []);
  });

  it("reports a disallowed or missing runtime", async () => {
    assert.deepEqual(
      await check(lambdaAllowedRuntimes, [
        fn(changed(compliantFunction, (f) => void (f.runtime = "nodejs16.x"))),
      ]),
      ['mandatory start-query: runtime "nodejs16.x" is not allowed; use one of nodejs20.x, nodejs22.x'],
    );
    assert.deepEqual(
      await check(lambdaAllowedRuntimes, [fn(changed(compliantFunction, (f) => void delete f.runtime))]),
      ["mandatory start-query: runtime is not set; use one of nodejs20.x, nodejs22.x"],
    );
  });
});
