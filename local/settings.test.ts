// The local run's settings are the dev stack's configuration with local references: nothing is copied.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readStackConfigFile } from "../components/stack-config-file";
import { InvalidSettingsError } from "../components/settings";
import { LOCAL_HANDLER_CONFIG, localSettings } from "./settings";

const options = {
  endpointName: "visit-time-local",
  sqlUri: "s3://visit-time-local-artifacts/sql/training-data.sql",
  hyperparameters: { epochs: "3" },
};

describe("local settings", () => {
  const dev = readStackConfigFile("dev").config;
  const settings = localSettings(options);

  it("take the dev stack's polling, jobs, gate, endpoint and timeout", () => {
    assert.deepEqual(settings.query, {
      pollIntervalSeconds: dev.query.pollIntervalSeconds,
      maxPolls: dev.query.maxPolls,
    });
    assert.deepEqual(settings.sagemaker.training, dev.instances.training);
    assert.deepEqual(settings.sagemaker.preprocessing, dev.instances.preprocessing);
    assert.deepEqual(settings.gate, dev.qualityGate);
    assert.deepEqual(settings.endpoint.variant, dev.endpoint.variant);
    assert.deepEqual(settings.endpoint.wait, dev.endpoint.wait);
    assert.equal(settings.timeoutSeconds, dev.timeoutSeconds);
  });

  it("override the endpoint, the gate, the hyperparameters and the environment tag from the flags", () => {
    const local = localSettings({ ...options, endpointName: "mine", maxMae: 2.5, maxRegressionHours: 0 });
    assert.equal(local.endpoint.name, "mine");
    assert.deepEqual(local.gate, { ...dev.qualityGate, maxMae: 2.5, maxRegressionHours: 0 });
    assert.deepEqual(local.sagemaker.hyperparameters, { epochs: "3" });
    assert.equal(local.tags["environment"], "local");
  });

  it("keep query results and snapshots where the stacks keep them", () => {
    assert.equal(LOCAL_HANDLER_CONFIG.query.outputLocation, "s3://visit-time-local-data/query-results/");
    assert.equal(LOCAL_HANDLER_CONFIG.snapshot.datasetPrefix, "s3://visit-time-local-data/datasets");
  });

  it("name the configuration key of a bad flag", () => {
    assert.throws(
      () => localSettings({ ...options, maxMae: 20 }),
      (error: unknown) =>
        error instanceof InvalidSettingsError &&
        /\[visit-time-pipeline\.qualityGate\.maxMae\]/.test(error.message),
    );
  });
});
