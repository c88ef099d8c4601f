import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { METRIC_KEYS, TRAINING_METRIC_DEFINITIONS } from "./metrics";
import { log } from "../training/runtime/log";
import { captureOutput } from "../training/test-support/capture";

const valueOf = (name: string, text: string): string | undefined => {
  const definition = TRAINING_METRIC_DEFINITIONS.find((d) => d.Name === name);
  assert.ok(definition, `no metric ${name}`);
  return new RegExp(definition.Regex).exec(text)?.[1];
};

describe("training metric definitions", () => {
  it("parse the epoch, summary and cross-validation lines the trainer prints", async () => {
    const { text } = await captureOutput(process.stdout, () => {
      log("info", "epoch", {
        epoch: 3,
        train_loss: 2.5,
        val_loss: 2.25,
        val_mae_hours: 1.5,
        samples_per_sec: 2000,
      });
      log("info", "training done", { best_val_mae_hours: 1.25 });
      log("info", "cross-validation fold", { cv_fold: 1, cv_fold_mae_hours: 1.75 });
      log("info", "cross-validation", { cv_mean_mae_hours: 1.625 });
      log("info", "epoch", { epoch: 4, train_loss: 1.2e-7 });
    });
    const lines = text.trim().split("\n");
    assert.equal(valueOf("train:loss", lines[0]!), "2.5");
    assert.equal(valueOf("validation:loss", lines[0]!), "2.25");
    assert.equal(valueOf("validation:mae_hours", lines[0]!), "1.5");
    assert.equal(valueOf("validation:best_mae_hours", lines[1]!), "1.25");
    assert.equal(valueOf("cv:fold_mae_hours", lines[2]!), "1.75");
    assert.equal(valueOf("cv:mean_mae_hours", lines[3]!), "1.625");
    assert.equal(valueOf("train:loss", lines[4]!), "1.2e-7");
    assert.equal(valueOf("train:samples_per_sec", lines[0]!), "2000");
    // val_loss must not be read from the best-MAE line or the other way round.
    assert.equal(valueOf("validation:mae_hours", lines[1]!), undefined);
  });

  it("has one definition per metric key, with SageMaker's name rules", () => {
    assert.equal(TRAINING_METRIC_DEFINITIONS.length, Object.keys(METRIC_KEYS).length);
    for (const definition of TRAINING_METRIC_DEFINITIONS) {
      assert.match(definition.Name, /^[a-zA-Z0-9:_.-]{1,255}$/);
      assert.ok(definition.Regex.length <= 500);
    }
  });
});
