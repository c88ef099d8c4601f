import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { approvalStatusOf, modelPackageMetadata, type ModelPackageFacts, withinLimit } from "./model-package";

const FACTS: ModelPackageFacts = {
  executionName: "run-2",
  mae: 1.3569,
  rmse: 2.33,
  bestBaseline: { name: "user_median_first_hour", mae: 1.662 },
  champion: null,
  nTest: 2084,
  gate: null,
  input: { uri: "/data/hits.csv", sizeBytes: 4838954, sha256: "a".repeat(64) },
  sql: { uri: "s3://b/sql/training-data-0123.sql", sha256: "b".repeat(64) },
  dataset: { uri: "s3://d/datasets/run-2/daily-visits.csv", sizeBytes: 1200, sha256: "c".repeat(64) },
  hyperparameters: { epochs: "12", gru_units: "64" },
  backend: "wasm",
};

describe("model package contract", () => {
  it("gives a model the status its gate decision implies", () => {
    assert.equal(approvalStatusOf(null), "PendingManualApproval");
    assert.equal(approvalStatusOf({ deploy: true, forced: false, reason: "accepted: …" }), "Approved");
    assert.equal(
      approvalStatusOf({ deploy: true, forced: true, reason: "forced by ForceDeploy …" }),
      "Approved",
    );
    assert.equal(approvalStatusOf({ deploy: false, forced: false, reason: "rejected: …" }), "Rejected");
  });

  it("writes metrics, lineage and hyperparameters as string metadata, leaving out what is unknown", () => {
    assert.deepEqual(modelPackageMetadata(FACTS), {
      executionName: "run-2",
      mae: "1.3569",
      rmse: "2.33",
      bestBaseline: "user_median_first_hour",
      bestBaselineMae: "1.662",
      nTest: "2084",
      inputUri: "/data/hits.csv",
      inputSizeBytes: "4838954",
      inputSha256: "a".repeat(64),
      sqlUri: "s3://b/sql/training-data-0123.sql",
      sqlSha256: "b".repeat(64),
      datasetUri: "s3://d/datasets/run-2/daily-visits.csv",
      datasetSizeBytes: "1200",
      datasetSha256: "c".repeat(64),
      backend: "wasm",
      "hp.epochs": "12",
      "hp.gru_units": "64",
    });
    const withChampion = modelPackageMetadata({ ...FACTS, champion: { modelName: "run-1-model", mae: 1.4 } });
    assert.deepEqual([withChampion["championModel"], withChampion["championMae"]], ["run-1-model", "1.4"]);
    // As the cloud's gate writes them: its decision, and no local input.
    const fromGate = modelPackageMetadata({ ...FACTS, gate: { deploy: false, forced: false }, input: null });
    assert.deepEqual([fromGate["gateDeploy"], fromGate["gateForced"]], ["false", "false"]);
    assert.ok(!("inputUri" in fromGate) && !("inputSha256" in fromGate));
  });

  it("keeps values within SageMaker's limits and refuses more than 50 properties", () => {
    const long = modelPackageMetadata({
      ...FACTS,
      input: { sizeBytes: null, sha256: null, uri: "x".repeat(2000) },
    });
    assert.equal(long["inputUri"]?.length, 256);
    assert.ok(long["inputUri"]?.endsWith("…"));
    assert.equal(withinLimit("short", 10), "short");
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`p${i}`, "1"]));
    assert.throws(() => modelPackageMetadata({ ...FACTS, hyperparameters: many }), {
      message: /at most 50 metadata properties; these facts make 55/,
    });
  });
});
