import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { readDailyVisits } from "../data/read-daily-visits";
import { buildExamples } from "../preprocess/examples";
import { generatedDailyVisits, tempDir } from "../test-support/fixtures";
import { saveUntrainedModel } from "../test-support/model";
import { readModelSpecInWorker } from "./model-spec";
import { loadInferenceSpec } from "./predictor";

describe("the model's parameters read in a worker thread", () => {
  let modelDir: string;

  before(async () => {
    const dir = tempDir();
    const csv = await generatedDailyVisits(join(dir, "data"), { users: 4, days: 30, seed: 5 });
    modelDir = join(dir, "model");
    const examples = buildExamples(readDailyVisits(csv).visits, { historyLength: 5, minHistory: 2 });
    await saveUntrainedModel(modelDir, examples, 5);
  });

  it("are those loadInferenceSpec reads in this thread, with the backend they were read on", async () => {
    const { backend, spec } = await readModelSpecInWorker(modelDir);
    assert.deepEqual(spec, await loadInferenceSpec(modelDir));
    assert.ok(["tensorflow", "wasm", "cpu"].includes(backend), backend);
  });

  it("fail with the loader's own message for a directory without a model", async () => {
    const empty = tempDir();
    await assert.rejects(readModelSpecInWorker(empty), (error: Error) => {
      assert.match(error.message, new RegExp(empty.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
      return true;
    });
  });

  it("leave TensorFlow.js out of a thread that starts an HTTP handler with inference workers", () => {
    // A process of its own: this test's process has TensorFlow.js loaded by the imports above.
    const script = `
      const { startHttpHandler } = require(${JSON.stringify(join(__dirname, "http-handler.ts"))});
      startHttpHandler({ modelDir: ${JSON.stringify(modelDir)}, workers: 1 }).then(async (handler) => {
        const loaded = Object.keys(require.cache).filter((file) => file.includes("@tensorflow"));
        console.log(JSON.stringify({ backend: handler.backend, historyLength: handler.historyLength, loaded }));
        await handler.close();
      });`;
    const run = spawnSync(process.execPath, ["--require", require.resolve("tsx/cjs"), "-e", script], {
      encoding: "utf8",
    });
    assert.equal(run.status, 0, run.stderr);
    const line = run.stdout.split("\n").find((text) => text.includes('"loaded"')) ?? "";
    const answer = JSON.parse(line) as { backend: string; historyLength: number; loaded: string[] };
    assert.deepEqual(answer.loaded, []);
    assert.equal(answer.historyLength, 5);
    assert.ok(["tensorflow", "wasm", "cpu"].includes(answer.backend), answer.backend);
  });
});
