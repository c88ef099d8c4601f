import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readExamples } from "../test-support/examples";
import { DEFAULT_PREPROCESS_OPTIONS, preprocess } from "../preprocess/preprocess";
import { generatedDailyVisits, tempDir } from "../test-support/fixtures";
import { saveUntrainedModel } from "../test-support/model";
import { championOption, type Evaluation, evaluate, evaluatePredictions, type TestTargets } from "./evaluate";

/** Test targets from rows of (target, last visit, median, same weekday). */
function testTargets(rows: [number, number, number, number][]): TestTargets {
  return {
    targets: rows.map((row) => row[0]),
    baselines: {
      last_visit_first_hour: rows.map((row) => row[1]),
      user_median_first_hour: rows.map((row) => row[2]),
      same_weekday_last_seen: rows.map((row) => row[3]),
    },
  };
}

describe("evaluation metrics", () => {
  it("match a hand computation with circular errors", () => {
    const examples = testTargets([
      [0, 23, 1, 12],
      [8, 10, 8, 8],
      [22, 1, 21, 22],
    ]);
    const result = evaluatePredictions(examples, [1, 7, 23]);
    // model errors 1, 1, 1; last visit 1, 2, 3; median 1, 0, 1; same weekday 12, 0, 0
    assert.deepEqual(result.model, { mae: 1, rmse: 1 });
    assert.ok(Math.abs(result.baselines.last_visit_first_hour.mae - 2) < 1e-12);
    assert.ok(Math.abs(result.baselines.last_visit_first_hour.rmse - Math.sqrt(14 / 3)) < 1e-12);
    assert.ok(Math.abs(result.baselines.user_median_first_hour.mae - 2 / 3) < 1e-12);
    assert.ok(Math.abs(result.baselines.same_weekday_last_seen.rmse - Math.sqrt(48)) < 1e-12);
    assert.equal(result.best_baseline, "user_median_first_hour");
    assert.ok(Math.abs(result.improvement_over_best_baseline - (1 - 1 / (2 / 3))) < 1e-12);
    assert.equal(result.n_test, 3);
  });
});

describe("evaluate on a saved model", () => {
  it("writes evaluation.json and refuses test data of another history length", async () => {
    const dir = tempDir();
    const csv = await generatedDailyVisits(join(dir, "data"), { users: 6, days: 40, seed: 12 });
    const data = join(dir, "pre");
    await preprocess({ input: csv, output: data, ...DEFAULT_PREPROCESS_OPTIONS, historyLength: 5 });
    const train = readExamples(data, "train");
    await saveUntrainedModel(join(dir, "model-5"), train, 5);
    const evaluation = await evaluate({ model: join(dir, "model-5"), data, output: join(dir, "eval") });
    const written = JSON.parse(readFileSync(join(dir, "eval", "evaluation.json"), "utf8")) as Evaluation;
    assert.deepEqual(written, evaluation);
    assert.equal(evaluation.n_test, readExamples(data, "test").length);

    await saveUntrainedModel(join(dir, "model-7"), train, 7);
    await assert.rejects(
      evaluate({ model: join(dir, "model-7"), data, output: join(dir, "eval-7") }),
      /test examples of .* have 5 history steps but the model .*model-7 was trained on 7/,
    );

    // The champion is scored on the same examples: the same model scores the same as the candidate.
    const withChampion = await evaluate({
      model: join(dir, "model-5"),
      champion: { path: join(dir, "model-5"), modelName: "run-1-model" },
      data,
      output: join(dir, "eval-champion"),
    });
    assert.deepEqual(withChampion.champion, { model_name: "run-1-model", ...evaluation.model });
    assert.equal(withChampion.champion_problem, undefined);
    // A champion that cannot be scored on this split is recorded, not fatal: the gate reads why.
    const unscorable = await evaluate({
      model: join(dir, "model-5"),
      champion: { path: join(dir, "model-7"), modelName: "run-0-model" },
      data,
      output: join(dir, "eval-unscorable"),
    });
    assert.equal(unscorable.champion, undefined);
    assert.match(
      unscorable.champion_problem ?? "",
      /^the champion run-0-model could not be scored: .*trained on 7/,
    );
  });

  it("scores a champion only where one is given", () => {
    const dir = tempDir();
    assert.equal(championOption(join(dir, "absent.tar.gz"), "m", false), undefined);
    assert.throws(
      () => championOption(join(dir, "absent.tar.gz"), "m", true),
      /--champion .* does not exist/,
    );
    assert.deepEqual(championOption(dir, " run-1-model ", false), { path: dir, modelName: "run-1-model" });
    assert.deepEqual(championOption(dir, undefined, false), { path: dir, modelName: "champion" });
  });
});
