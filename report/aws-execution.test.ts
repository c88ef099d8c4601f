// `npm run execution -- report` against mocked Step Functions, S3 and SageMaker clients: the report of a
// deployed run (state data from the execution's output, objects from S3, the served model from
// SageMaker), of a failed run (state data from the last state entered) and the errors that name what is
// missing.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { GetObjectCommand, NoSuchKey, S3Client } from "@aws-sdk/client-s3";
import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import {
  DescribeExecutionCommand,
  DescribeStateMachineForExecutionCommand,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  SFNClient,
} from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import * as tar from "tar";
import { exampleSettings } from "../components/pipeline/example-settings";
import { buildPipelineDefinition } from "../components/pipeline/definition";
import { s3Body } from "../handlers/testing/aws-fakes";
import { main } from "../execution/cli";
import { CAUGHT_FAILURE, history, STATE_MACHINE_ARN, T0 } from "../execution/testing/histories";
import { tempDir } from "../test-support/temp-dir";

const sfn = mockClient(SFNClient);
const s3 = mockClient(S3Client);
const sageMaker = mockClient(SageMakerClient);
const EXECUTION_ARN = `${STATE_MACHINE_ARN.replace(":stateMachine:", ":execution:")}:run-1`;
const ARTIFACTS = "s3://visit-time-dev-artifacts";
const SQL = "SELECT user_id, event_time FROM hits";

const STATE_DATA = {
  run: {
    EndpointName: "visit-time-dev",
    ModelName: "run-1-model",
    EndpointConfigName: "run-1-config",
    InputFilePath: `${ARTIFACTS}/sql/training-data.sql`,
  },
  dataset: { datasetUri: "s3://visit-time-dev-data/datasets/run-1/daily-visits.csv", sha256: "ab12" },
  preprocess: { outputUri: `${ARTIFACTS}/runs/run-1/preprocess` },
  train: { modelArtifacts: `${ARTIFACTS}/runs/run-1/model/model.tar.gz`, jobName: "run-1-train" },
  evaluation: { evaluationUri: `${ARTIFACTS}/runs/run-1/evaluation/evaluation.json` },
  gate: { deploy: true, reason: "accepted: MAE 1.30 h is 20% lower than the best baseline" },
};

const EVALUATION = {
  model: { mae: 1.3, rmse: 2.1 },
  baselines: {
    user_median_first_hour: { mae: 1.63, rmse: 2.5 },
    last_visit_first_hour: { mae: 2.0, rmse: 3.0 },
    same_weekday_last_seen: { mae: 1.8, rmse: 2.9 },
  },
  champion: { model_name: "run-0-model", mae: 1.4, rmse: 2.2 },
  n_test: 900,
  best_baseline: "user_median_first_hour",
  error_by_hour: [
    { key: 8, n: 400, model_mae: 1.1, baseline_mae: 1.5 },
    { key: 19, n: 500, model_mae: 1.46, baseline_mae: 1.73 },
  ],
  error_by_weekday: [
    { key: 0, n: 450, model_mae: 1.2, baseline_mae: 1.6 },
    { key: 5, n: 450, model_mae: 1.4, baseline_mae: 1.66 },
  ],
};

async function modelArchive(): Promise<Buffer> {
  const dir = tempDir("aws-report-model-");
  const epochs = [1, 2, 3].map((epoch) => ({
    epoch,
    trainLoss: 3 - epoch / 4,
    validationLoss: 3.1 - epoch / 5,
    validationMae: 2 - epoch / 10,
  }));
  writeFileSync(join(dir, "metadata.json"), JSON.stringify({ training: { epochs, best: { epoch: 3 } } }));
  await tar.c({ gzip: true, file: join(dir, "model.tar.gz"), cwd: dir }, ["metadata.json"]);
  return readFileSync(join(dir, "model.tar.gz"));
}

const DEPLOYED_HISTORY = history([
  ["ExecutionStarted"],
  ["Entered", "Task", "Train"],
  ["Scheduled", "sagemaker", { TrainingJobName: "run-1-train" }],
  ["Started"],
  ["Submitted"],
  ["Succeeded"],
  ["Exited", "Task", "Train"],
  ["Entered", "Task", "QualityGate"],
  ["Scheduled", "lambda", { FunctionName: "quality-gate", Payload: {} }],
  ["Started"],
  ["Succeeded"],
  ["Exited", "Task", "QualityGate"],
  ["Entered", "Succeed", "Deployed"],
  ["Exited", "Succeed", "Deployed"],
  ["ExecutionSucceeded"],
]);

function outFile(): string {
  return join(tempDir("aws-report-"), "report.html");
}

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) } };
}

describe("npm run execution -- report", () => {
  beforeEach(() => {
    sfn.reset();
    s3.reset();
    sageMaker.reset();
    sfn
      .on(DescribeStateMachineForExecutionCommand)
      .resolves({ definition: JSON.stringify(buildPipelineDefinition(exampleSettings())) });
  });
  afterEach(() => {
    sfn.reset();
    s3.reset();
    sageMaker.reset();
  });

  it("draws a deployed run from the execution, its S3 objects and the endpoint's model", async () => {
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION_ARN,
      name: "run-1",
      status: "SUCCEEDED",
      startDate: new Date(T0),
      stopDate: new Date(T0 + 14_000),
      output: JSON.stringify(STATE_DATA),
    });
    // Two pages: the report reads the whole history.
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: DEPLOYED_HISTORY.slice(0, 7), nextToken: "page-2" })
      .resolves({ events: DEPLOYED_HISTORY.slice(7) });
    const archive = await modelArchive();
    s3.on(GetObjectCommand).callsFake((input: { Bucket: string; Key: string }) => {
      const uri = `s3://${input.Bucket}/${input.Key}`;
      if (uri === STATE_DATA.evaluation.evaluationUri) return { Body: s3Body(JSON.stringify(EVALUATION)) };
      if (uri === STATE_DATA.run.InputFilePath) return { Body: s3Body(SQL) };
      if (uri === STATE_DATA.train.modelArtifacts) return { Body: s3Body(archive) };
      throw new NoSuchKey({ message: "The specified key does not exist.", $metadata: {} });
    });
    sageMaker.on(DescribeEndpointCommand).resolves({ EndpointConfigName: "run-1-config" });
    sageMaker
      .on(DescribeEndpointConfigCommand)
      .resolves({ ProductionVariants: [{ VariantName: "AllTraffic", ModelName: "run-1-model" }] });
    sageMaker
      .on(DescribeModelCommand)
      .resolves({ PrimaryContainer: { ModelDataUrl: STATE_DATA.train.modelArtifacts } });

    const path = outFile();
    const run = io();
    assert.equal(
      await main(["report", "run-1", "--state-machine-arn", STATE_MACHINE_ARN, "--out", path], run.io),
      0,
    );
    assert.deepEqual(run.out, [`Report written: ${path}`]);
    assert.equal(sfn.commandCalls(GetExecutionHistoryCommand).length, 2);
    assert.equal(sfn.commandCalls(DescribeExecutionCommand)[0]?.args[0].input.executionArn, EXECUTION_ARN);

    const html = readFileSync(path, "utf8");
    assert.match(html, /AWS execution/);
    assert.match(html, /status SUCCEEDED/);
    for (const chart of [
      "pipeline-graph",
      "learning-loss",
      "learning-mae",
      "model-vs-baselines",
      "error-by-hour",
      "error-by-weekday",
    ]) {
      assert.match(
        html,
        new RegExp(`data-chart="${chart}"><h3>[^<]*</h3><svg|data-chart="${chart}"><svg`),
        chart,
      );
    }
    assert.match(html, /champion run-0-model/);
    assert.match(html, /accepted, deployed/);
    assert.match(html, /20% lower than the best baseline/);
    assert.match(html, new RegExp(createHash("sha256").update(SQL).digest("hex")));
    // The endpoint's model, from SageMaker; the missing preprocess report is shown as missing.
    assert.match(html, /<td>model the endpoint serves<\/td><td>run-1-model<\/td>/);
    assert.match(html, /<td>preprocess report<\/td><td><code>—<\/code><\/td>/);
    assert.match(html, /console\.aws\.amazon\.com\/states\/home\?region=eu-west-1/);
  });

  it("draws a failed run from the input of the state it stopped in, with the error", async () => {
    sfn.on(DescribeExecutionCommand).resolves({
      executionArn: EXECUTION_ARN,
      name: "run-1",
      status: "FAILED",
      startDate: new Date(T0),
      stopDate: new Date(T0 + 8_000),
      error: "States.TaskFailed",
      cause: "AlgorithmError: zero usable examples in /opt/ml/input/data/training",
    });
    const events = CAUGHT_FAILURE.map((event) =>
      event.stateEnteredEventDetails
        ? {
            ...event,
            stateEnteredEventDetails: {
              ...event.stateEnteredEventDetails,
              input: JSON.stringify({ run: STATE_DATA.run }),
            },
          }
        : event,
    );
    sfn.on(GetExecutionHistoryCommand).resolves({ events });
    s3.on(GetObjectCommand).resolves({ Body: s3Body(SQL) });
    sageMaker
      .on(DescribeEndpointCommand)
      .rejects(
        Object.assign(new Error("Could not find endpoint visit-time-dev"), { name: "ValidationException" }),
      );

    const path = outFile();
    assert.equal(
      await main(["report", EXECUTION_ARN, "--state-machine-arn", STATE_MACHINE_ARN, "--out", path], io().io),
      0,
    );
    const html = readFileSync(path, "utf8");
    assert.match(html, /status FAILED/);
    assert.match(html, /zero usable examples/);
    assert.match(html, /<td>decision<\/td><td><b>not reached<\/b><\/td>/);
    assert.match(html, /No evaluation: the run did not get as far as evaluating a model/);
    assert.match(html, /<td>model the endpoint serves<\/td><td>none yet<\/td>/);
    assert.match(html, /TrainingFailed/);
  });

  it("names an unknown execution and writes nothing", async () => {
    sfn
      .on(DescribeExecutionCommand)
      .rejects(new ExecutionDoesNotExist({ message: "Execution Does Not Exist: 'run-9'", $metadata: {} }));
    const path = outFile();
    const run = io();
    assert.equal(
      await main(["report", "run-9", "--state-machine-arn", STATE_MACHINE_ARN, "--out", path], run.io),
      2,
    );
    assert.match(run.err[0] ?? "", /Unknown execution: execution .*:run-9 does not exist/);
    assert.throws(() => readFileSync(path), /ENOENT/);
  });

  it("needs an execution", async () => {
    const run = io();
    assert.equal(await main(["report", "--state-machine-arn", STATE_MACHINE_ARN], run.io), 2);
    assert.match(run.err[0] ?? "", /report needs an execution/);
  });
});
