// TrainingPipeline constructed directly (not through index.ts), with a given AWS environment: the
// settings it resolves come from the configuration, and its state machine's role holds the composer's
// statements.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { readStackConfigFile } from "../stack-config-file";
import { RecordingMocks } from "../../policies/check/aws-mocks";
import { resolveOutput } from "../../test-support/program";
import { pipelineStatements } from "./definition";
import { TrainingPipeline } from "./training-pipeline";

const env = { partition: "aws", region: "us-east-2", accountId: "210987654321" };

describe("TrainingPipeline", () => {
  const mocks = new RecordingMocks(env.region, env.accountId);
  let pipeline: TrainingPipeline;
  before(async () => {
    await pulumi.runtime.setMocks(mocks, "visit-time-pipeline", "test", false);
    const { config } = readStackConfigFile("prod");
    pipeline = new TrainingPipeline("vt-test", { config, aws: env, bundleDirectory: "build/lambdas" });
  });

  it("uses the given environment instead of looking it up", async () => {
    const settings = await resolveOutput(pipeline.settings);
    assert.deepEqual(settings.aws, env);
    const lookups = mocks.calls.map((call) => call.token).filter((token) => token.startsWith("aws:index/"));
    assert.deepEqual(lookups, []);
  });

  it("gives the state machine's role the composer's statements, then logging, tracing and the key", async () => {
    const settings = await resolveOutput(pipeline.settings);
    const statements = await resolveOutput(pipeline.stateMachineRoleStatements);
    const composer = pipelineStatements(settings);
    assert.deepEqual(statements.slice(0, composer.length), composer);
    assert.ok(statements.length > composer.length);
  });

  it("builds the settings from the configuration", async () => {
    const settings = await resolveOutput(pipeline.settings);
    assert.equal(settings.sagemaker.training.instanceType, "ml.c5.2xlarge");
    assert.ok(settings.sagemaker.metricDefinitions.some((metric) => metric.Name === "validation:mae_hours"));
    assert.deepEqual(settings.gate, {
      maxMae: 2,
      minImprovementOverBaseline: 0.05,
      maxRegressionHours: 0,
    });
  });

  it("deploys the handler bundles from the given directory", async () => {
    await resolveOutput(pipeline.stateMachineArn);
    const functions = mocks.ofType("aws:lambda/function:Function");
    assert.equal(functions.length, 6);
    for (const fn of functions) {
      const code = fn.inputs.code as { path?: unknown };
      assert.equal(
        await Promise.resolve(code.path),
        `build/lambdas/${String(fn.inputs.name).replace(/^vt-test-/, "")}`,
      );
    }
  });
});
