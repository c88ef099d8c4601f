import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { mockClient } from "aws-sdk-client-mock";
import { S3ObjectStore } from "./aws/s3-object-store";
import { SageMakerEndpointRegistry } from "./aws/sagemaker-endpoint-registry";
import { TRANSIENT_HANDLER_ERRORS } from "./errors";
import { createQualityGateHandler } from "./quality-gate";
import { awsError, s3Body } from "./testing/aws-fakes";

const s3 = mockClient(S3Client);
const sagemaker = mockClient(SageMakerClient);

const EVENT = {
  executionName: "run-2",
  evaluationUri: "s3://artifacts/run-2/evaluation/evaluation.json",
  endpointName: "visit-time-dev",
  maxMae: 2,
  maxRegressionHours: 0.25,
  force: false,
};
const CANDIDATE = { Bucket: "artifacts", Key: "run-2/evaluation/evaluation.json" };
const DEPLOYED = { Bucket: "artifacts", Key: "run-1/evaluation/evaluation.json" };

const evaluation = (mae: number, rmse: number) =>
  JSON.stringify({
    model: { mae, rmse },
    baselines: { last_visit_first_hour: { mae: 3, rmse: 4 } },
    n_test: 10,
  });

const gate = () =>
  createQualityGateHandler({
    objectStore: new S3ObjectStore(new S3Client({ region: "eu-west-1" })),
    endpointRegistry: new SageMakerEndpointRegistry(new SageMakerClient({ region: "eu-west-1" })),
    logSink: () => undefined,
  });

function candidate(text: string): void {
  s3.on(GetObjectCommand, CANDIDATE).callsFake(() => ({ Body: s3Body(text) }));
}

/** An endpoint serving model run-1-model whose evaluation is `deployedEvaluation` (undefined: no file). */
function deployedEndpoint(environment: Record<string, string>, deployedEvaluation?: string): void {
  sagemaker
    .on(DescribeEndpointCommand)
    .resolves({ EndpointConfigName: "run-1-config", EndpointStatus: "InService" });
  sagemaker
    .on(DescribeEndpointConfigCommand)
    .resolves({ ProductionVariants: [{ VariantName: "AllTraffic", ModelName: "run-1-model" }] });
  sagemaker.on(DescribeModelCommand).resolves({ PrimaryContainer: { Environment: environment } });
  if (deployedEvaluation === undefined) {
    s3.on(GetObjectCommand, DEPLOYED).rejects(
      awsError("NoSuchKey", "The specified key does not exist.", 404),
    );
  } else {
    s3.on(GetObjectCommand, DEPLOYED).callsFake(() => ({ Body: s3Body(deployedEvaluation) }));
  }
}

const noEndpoint = () =>
  sagemaker
    .on(DescribeEndpointCommand)
    .rejects(awsError("ValidationException", 'Could not find endpoint "visit-time-dev".'));

const EVAL_ENV = { EVALUATION_URI: "s3://artifacts/run-1/evaluation/evaluation.json" };

describe("quality-gate", () => {
  beforeEach(() => {
    s3.reset();
    sagemaker.reset();
  });

  it("compares with the deployed model found through endpoint → config → model → EVALUATION_URI", async () => {
    candidate(evaluation(1.3, 1.9));
    deployedEndpoint(EVAL_ENV, evaluation(1.2, 1.5));
    const result = await gate()(EVENT);
    assert.deepEqual(result, {
      deploy: true,
      reason:
        "accepted: candidate MAE 1.3 h <= maximum 2 h and <= deployed model run-1-model MAE 1.2 h + allowed regression 0.25 h = 1.45 h",
      candidate: { mae: 1.3, rmse: 1.9 },
      deployed: { modelName: "run-1-model", mae: 1.2, rmse: 1.5 },
    });
    assert.deepEqual(
      sagemaker.calls().map((call) => call.args[0].input),
      [
        { EndpointName: "visit-time-dev" },
        { EndpointConfigName: "run-1-config" },
        { ModelName: "run-1-model" },
      ],
    );
    assert.deepEqual(
      s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input),
      [CANDIDATE, DEPLOYED],
    );
  });

  it("rejects a regression beyond the allowance", async () => {
    candidate(evaluation(1.6, 2));
    deployedEndpoint(EVAL_ENV, evaluation(1.2, 1.5));
    const result = await gate()(EVENT);
    assert.equal(result.deploy, false);
    assert.match(
      result.reason,
      /^rejected by the regression check: candidate MAE 1.6 h > deployed model run-1-model/,
    );
  });

  it("rejects a model above the maximum and accepts it when forced", async () => {
    candidate(evaluation(2.5, 3));
    noEndpoint();
    assert.deepEqual(await gate()(EVENT), {
      deploy: false,
      reason: "rejected by the maximum: candidate MAE 2.5 h > maximum 2 h",
      candidate: { mae: 2.5, rmse: 3 },
      deployed: null,
    });
    const forced = await gate()({ ...EVENT, force: true });
    assert.equal(forced.deploy, true);
    assert.match(forced.reason, /^forced \(ForceDeploy\)/);
  });

  it("decides on the maximum alone when no endpoint exists, without describing configs or models", async () => {
    candidate(evaluation(1.9, 2.2));
    noEndpoint();
    const result = await gate()(EVENT);
    assert.equal(result.deploy, true);
    assert.equal(
      result.reason,
      "accepted by the maximum: candidate MAE 1.9 h <= maximum 2 h; no model is deployed",
    );
    assert.equal(sagemaker.commandCalls(DescribeModelCommand).length, 0);
  });

  it("decides on the maximum only, saying so, when the deployed model's evaluation is unreadable", async () => {
    candidate(evaluation(1.9, 2.2));
    deployedEndpoint(EVAL_ENV);
    const missing = await gate()(EVENT);
    assert.equal(missing.deploy, true);
    assert.equal(missing.deployed, null);
    assert.match(
      missing.reason,
      /^accepted by the maximum only: .* deployed model run-1-model has no readable evaluation \(The evaluation s3:\/\/artifacts\/run-1\/evaluation\/evaluation\.json cannot be read/,
    );

    s3.reset();
    candidate(evaluation(1.9, 2.2));
    deployedEndpoint(EVAL_ENV, "{ not json");
    assert.match((await gate()(EVENT)).reason, /has no readable evaluation \(The evaluation .* is not JSON/);

    sagemaker.reset();
    deployedEndpoint({});
    assert.match(
      (await gate()(EVENT)).reason,
      /has no readable evaluation \(the model has no EVALUATION_URI/,
    );
  });

  it("fails with EvaluationNotFound when the candidate's evaluation.json is missing", async () => {
    s3.on(GetObjectCommand, CANDIDATE).rejects(
      awsError("NoSuchKey", "The specified key does not exist.", 404),
    );
    await assert.rejects(gate()(EVENT), {
      name: "EvaluationNotFound",
      message: /The evaluation s3:\/\/artifacts\/run-2\/evaluation\/evaluation\.json cannot be read/,
    });
    assert.equal(sagemaker.calls().length, 0);
  });

  it("fails with InvalidEvaluation when the candidate's evaluation.json is not JSON or lacks model.mae", async () => {
    candidate("nan");
    await assert.rejects(gate()(EVENT), { name: "InvalidEvaluation", message: /is not JSON/ });
    s3.reset();
    candidate(JSON.stringify({ model: { rmse: 1 } }));
    await assert.rejects(gate()(EVENT), {
      name: "InvalidEvaluation",
      message: /evaluation\.model\.mae: .*Expected \{"model": \{"mae": h, "rmse": h\}/,
    });
  });

  it("propagates SageMaker and S3 throttling with their own names", async () => {
    candidate(evaluation(1, 1));
    sagemaker.on(DescribeEndpointCommand).rejects(awsError("ThrottlingException", "Rate exceeded"));
    await assert.rejects(gate()(EVENT), { name: "ThrottlingException" });
    s3.on(GetObjectCommand, CANDIDATE).rejects(awsError("SlowDown", "Please reduce your request rate.", 503));
    await assert.rejects(gate()(EVENT), { name: "SlowDown" });
    assert.ok(["ThrottlingException", "SlowDown"].every((name) => TRANSIENT_HANDLER_ERRORS.includes(name)));
  });

  it("rejects a malformed event with InvalidInput naming each bad field", async () => {
    await assert.rejects(gate()({ ...EVENT, maxMae: "2", force: "false" }), {
      name: "InvalidInput",
      message: /event\.maxMae: .*; event\.force: /,
    });
    await assert.rejects(gate()({ ...EVENT, maxRegressionHours: -1 }), {
      name: "InvalidInput",
      message: /event\.maxRegressionHours/,
    });
    assert.equal(s3.calls().length + sagemaker.calls().length, 0);
  });
});
