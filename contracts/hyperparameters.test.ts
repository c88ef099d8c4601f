import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_HYPERPARAMETERS, HYPERPARAMETER_DOCS, parseHyperparameters } from "./hyperparameters";

describe("hyperparameters", () => {
  it("has string defaults that parse to the documented values", () => {
    assert.ok(Object.values(DEFAULT_HYPERPARAMETERS).every((value) => typeof value === "string"));
    assert.deepEqual(
      Object.keys(DEFAULT_HYPERPARAMETERS),
      HYPERPARAMETER_DOCS.map((doc) => doc.name),
    );
    const parsed = parseHyperparameters(DEFAULT_HYPERPARAMETERS);
    assert.equal(parsed.epochs, Number(DEFAULT_HYPERPARAMETERS["epochs"]));
    assert.equal(parsed.learningRate, Number(DEFAULT_HYPERPARAMETERS["learning_rate"]));
    assert.deepEqual(parseHyperparameters({}), parsed);
  });

  it("parses SageMaker's all-string values and ignores sagemaker_* keys", () => {
    const parsed = parseHyperparameters({
      epochs: "3",
      batch_size: "64",
      cv_folds: "2",
      sagemaker_region: '"eu-west-1"',
    });
    assert.equal(parsed.epochs, 3);
    assert.equal(parsed.batchSize, 64);
    assert.equal(parsed.cvFolds, 2);
  });

  it("names the bad key", () => {
    assert.throws(
      () => parseHyperparameters({ epochs: "ten" }),
      /hyperparameter "epochs" must be an integer in \[1, 1000\], got "ten"/,
    );
    assert.throws(() => parseHyperparameters({ batch_size: "1.5" }), /"batch_size" must be an integer/);
    assert.throws(
      () => parseHyperparameters({ dropout: "0.95" }),
      /"dropout" must be a number in \[0, 0.9\], got 0.95/,
    );
    assert.throws(() => parseHyperparameters({ learning_rate: "" }), /"learning_rate"/);
    assert.throws(() => parseHyperparameters({ epoch: "3" }), /unknown hyperparameter "epoch"/);
    assert.throws(() => parseHyperparameters({ seed: { value: 1 } }), /"seed" must be a string/);
    assert.throws(() => parseHyperparameters(["epochs"]), /JSON object/);
  });
});
