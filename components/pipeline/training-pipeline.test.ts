// TrainingPipeline constructed directly (not through index.ts), with a given AWS environment: each
// stage component exposes the statements its part of the definition needs, and together they are the
// composer's; the settings the component resolves are valid PipelineSettings.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { readStackConfigFile } from "../../scripts/stack-config-file";
import { RecordingMocks } from "../../policies/check/aws-mocks";
import { resolveOutput } from "../../test-support/program";
import { pipelineStatements, withoutRepeats } from "./definition";
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

  it("has stage components whose statements together (each grant once) are the composer's", async () => {
    const settings = await resolveOutput(pipeline.settings);
    const [query, jobs, endpoint] = await Promise.all([
      resolveOutput(pipeline.queryLoop.stateMachineStatements),
      resolveOutput(pipeline.sageMakerStages.stateMachineStatements),
      resolveOutput(pipeline.modelEndpoint.stateMachineStatements),
    ]);
    assert.deepEqual(withoutRepeats([...query, ...jobs, ...endpoint]), pipelineStatements(settings));
  });

  it("exposes the jobs' settings from the configuration", async () => {
    const jobs = await resolveOutput(pipeline.sageMakerStages.jobs);
    assert.equal(jobs.training.instanceType, "ml.c5.2xlarge");
    const metrics = await resolveOutput(pipeline.sageMakerStages.metricDefinitions);
    assert.ok(metrics.some((metric) => metric.Name === "validation:mae_hours"));
    assert.deepEqual(await resolveOutput(pipeline.modelEndpoint.gate), {
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
