// The stack configuration: both real stack files parse, and a broken one fails with the key named.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readStackConfigFile } from "./stack-config-file";
import { namespaceValues, parseStackConfig, type StackConfig } from "./config";
import { InvalidSettingsError } from "./settings";

function devValues(): Record<string, unknown> {
  return structuredClone(readStackConfigFile("dev").config) as unknown as Record<string, unknown>;
}

function rejects(change: (values: Record<string, unknown>) => void, message: RegExp) {
  const values = devValues();
  change(values);
  assert.throws(
    () => parseStackConfig(values, "stack dev"),
    (error: unknown) => {
      assert.ok(error instanceof InvalidSettingsError);
      assert.match(error.message, /Invalid configuration of stack dev/);
      assert.match(error.message, message);
      return true;
    },
  );
}

describe("stack configuration", () => {
  it("differs between dev and prod where it should", () => {
    const dev: StackConfig = readStackConfigFile("dev").config;
    const prod: StackConfig = readStackConfigFile("prod").config;
    assert.equal(dev.endpoint.variant.kind, "serverless");
    assert.equal(prod.endpoint.variant.kind, "instance");
    assert.ok(prod.kmsKeyArn && !dev.kmsKeyArn);
    assert.ok(prod.endpoint.alarms && !dev.endpoint.alarms);
    assert.ok(prod.schedule.enabled && !dev.schedule.enabled);
    assert.notEqual(dev.instances.training.instanceType, prod.instances.training.instanceType);
    assert.notEqual(dev.logging.level, prod.logging.level);
  });

  it("reads Pulumi's flat config map (objects as JSON text)", () => {
    const values = namespaceValues({
      "aws:region": "eu-west-1",
      "visit-time-pipeline:environment": "dev",
      "visit-time-pipeline:timeoutSeconds": "7200",
      "visit-time-pipeline:query": '{"maxPolls":3}',
    });
    assert.deepEqual(values, { environment: "dev", timeoutSeconds: 7200, query: { maxPolls: 3 } });
  });

  it("names a missing key", () => {
    rejects((values) => delete values.qualityGate, /\[visit-time-pipeline\.qualityGate\]/);
  });
  it("names a misspelt key", () => {
    rejects((values) => (values.qualitygate = {}), /\[visit-time-pipeline\.qualitygate\] is not a known key/);
  });
  it("names a bad nested value", () => {
    rejects(
      (values) =>
        ((values.instances as { training: { instanceType: string } }).training.instanceType = "large"),
      /\[visit-time-pipeline\.instances\.training\.instanceType\] must be a SageMaker instance type/,
    );
  });
  it("names a retention CloudWatch does not offer", () => {
    rejects(
      (values) => ((values.logging as { retentionDays: number }).retentionDays = 10),
      /\[visit-time-pipeline\.logging\.retentionDays\] must be one of/,
    );
  });
  it("requires the raw hits' location when the stack creates the Glue table", () => {
    rejects(
      (values) => delete (values.source as { rawHitsUri?: string }).rawHitsUri,
      /\[visit-time-pipeline\.source\.rawHitsUri\] is required when source\.createGlueTable is true/,
    );
  });
  it("names a zero instance count and an unbounded poll count", () => {
    rejects(
      (values) =>
        ((values.instances as { evaluation: { instanceCount: number } }).evaluation.instanceCount = 0),
      /\[visit-time-pipeline\.instances\.evaluation\.instanceCount\]/,
    );
    rejects(
      (values) => ((values.query as { maxPolls: number }).maxPolls = 0),
      /\[visit-time-pipeline\.query\.maxPolls\]/,
    );
  });
  it("names the preprocessing job's instances by the job's name, as the settings and the definition do", () => {
    rejects((values) => {
      const instances = values.instances as Record<string, unknown>;
      instances.processing = instances.preprocessing;
      delete instances.preprocessing;
    }, /\[visit-time-pipeline\.instances\.processing\] is not a known key/);
  });
  it("rejects a timeout shorter than the jobs' runtimes", () => {
    rejects(
      (values) => (values.timeoutSeconds = 3600),
      /\[visit-time-pipeline\.timeoutSeconds\] must exceed the sum of the jobs' maxRuntimeSeconds \(7200\)/,
    );
  });
  it("rejects data capture on a serverless endpoint", () => {
    rejects(
      (values) => ((values.endpoint as { dataCapture?: object }).dataCapture = { samplingPercent: 10 }),
      /\[visit-time-pipeline\.endpoint\.dataCapture\] is not supported by serverless endpoints/,
    );
  });
  it("names a bad hyperparameter", () => {
    rejects(
      (values) => (values.hyperparameters = { epochs: "many" }),
      /\[visit-time-pipeline\.hyperparameters\].*epochs/,
    );
  });
});
