// A broken stack configuration stops the program before any resource exists, with a message that names
// the key. Each case changes one key of the real Pulumi.prod.yaml.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runProgram } from "../../test-support/program";

type ConfigMap = Record<string, string>;

function withJson(key: string, change: (value: Record<string, unknown>) => void) {
  return (config: ConfigMap): ConfigMap => {
    const value = JSON.parse(config[key] ?? "{}") as Record<string, unknown>;
    change(value);
    return { ...config, [key]: JSON.stringify(value) };
  };
}

async function rejection(change: (config: ConfigMap) => ConfigMap): Promise<string> {
  try {
    const run = await runProgram("prod", change);
    throw new Error(
      `The program accepted the configuration and registered ${run.mocks.resources.length} resources.`,
    );
  } catch (error) {
    return (error as Error).message;
  }
}

describe("a broken stack configuration", () => {
  it("names a bad instance type", async () => {
    const message = await rejection(
      withJson("visit-time-pipeline:instances", (instances) => {
        (instances.training as Record<string, unknown>).instanceType = "m5.large";
      }),
    );
    assert.match(
      message,
      /\[visit-time-pipeline\.instances\.training\.instanceType\] must be a SageMaker instance type/,
    );
  });

  it("names a missing key", async () => {
    const message = await rejection((config) => {
      const { ["visit-time-pipeline:qualityGate"]: _removed, ...rest } = config;
      return rest;
    });
    assert.match(message, /\[visit-time-pipeline\.qualityGate\]/);
  });

  it("names an unknown key (a typo must not fall back to a default)", async () => {
    const message = await rejection((config) => ({ ...config, "visit-time-pipeline:sheduleTypo": "x" }));
    assert.match(message, /\[visit-time-pipeline\.sheduleTypo\] is not a known key/);
  });

  it("names a log retention CloudWatch does not offer", async () => {
    const message = await rejection(
      withJson("visit-time-pipeline:logging", (logging) => {
        logging.retentionDays = 10;
      }),
    );
    assert.match(
      message,
      /\[visit-time-pipeline\.logging\.retentionDays\] must be one of CloudWatch's retention periods/,
    );
  });

  it("names the raw hits location a new Glue table needs", async () => {
    const message = await rejection(
      withJson("visit-time-pipeline:source", (source) => {
        source.createGlueTable = true;
      }),
    );
    assert.match(
      message,
      /\[visit-time-pipeline\.source\.rawHitsUri\] is required when source\.createGlueTable is true/,
    );
  });
});
