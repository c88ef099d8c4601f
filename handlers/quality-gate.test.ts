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
  minImprovementOverBaseline: 0.05,
  maxRegressionHours: 0,
  force: false,
  registry: {
    sqlUri: "s3://artifacts/sql/training-data.sql",
    dataset: {
      datasetUri: "s3://data/datasets/run-2/daily-visits.csv",
      sizeBytes: 1200,
      sha256: "c".repeat(64),
    },
    hyperparameters: { epochs: "12" },
  },
};
const CANDIDATE = { Bucket: "artifacts", Key: "run-2/evaluation/evaluation.json" };

/** evaluation.json as the Evaluate job writes it, with the champion it scored (if any). */
const evaluation = (mae: number, champion?: { model_name: string; mae: number }) =>
  JSON.stringify({
    model: { mae, rmse: mae + 0.5 },
    baselines: {
      last_visit_first_hour: { mae: 2.1, rmse: 3 },
      user_median_first_hour: { mae: 1.6, rmse: 2.5 },
    },
    n_test: 500,
    best_baseline: "user_median_first_hour",
    ...(champion ? { champion: { ...champion, rmse: champion.mae + 0.5 } } : {}),
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

/** An endpoint serving `modelName`. */
function servedModel(modelName: string): void {
  sagemaker
    .on(DescribeEndpointCommand)
    .resolves({ EndpointConfigName: `${modelName}-config`, EndpointStatus: "InService" });
  sagemaker
    .on(DescribeEndpointConfigCommand)
    .resolves({ ProductionVariants: [{ VariantName: "AllTraffic", ModelName: modelName }] });
  sagemaker.on(DescribeModelCommand).resolves({
    PrimaryContainer: { ModelDataUrl: `s3://artifacts/${modelName}/model.tar.gz`, Environment: {} },
  });
}

const noEndpoint = () =>
  sagemaker
    .on(DescribeEndpointCommand)
    .rejects(awsError("ValidationException", 'Could not find endpoint "visit-time-dev".'));

describe("quality-gate", () => {
  beforeEach(() => {
    s3.reset();
    sagemaker.reset();
  });

  it("compares with the champion scored on the same split, checking the endpoint still serves it", async () => {
    candidate(evaluation(1.3, { model_name: "run-1-model", mae: 1.35 }));
    servedModel("run-1-model");
    const result = await gate()(EVENT);
    assert.deepEqual(result, {
      deploy: true,
      forced: false,
      reason:
        "accepted: the candidate on 500 test examples: its MAE 1.3 h is within the maximum 2 h; it is 18.8% " +
        "lower than the best baseline user_median_first_hour (1.6 h), and at least 5% lower is required " +
        "(MAE <= 1.52 h); it is 0.05 h better than the champion run-1-model (1.35 h on the same 500 test examples)",
      candidate: { mae: 1.3, rmse: 1.8 },
      bestBaseline: { name: "user_median_first_hour", mae: 1.6, rmse: 2.5 },
      champion: { modelName: "run-1-model", mae: 1.35, rmse: 1.85 },
      nTest: 500,
      // The package's metadata, as the local registry writes it (contracts/model-package.ts): the champion too.
      registryMetadata: {
        executionName: "run-2",
        mae: "1.3",
        rmse: "1.8",
        bestBaseline: "user_median_first_hour",
        bestBaselineMae: "1.6",
        championModel: "run-1-model",
        championMae: "1.35",
        nTest: "500",
        gateDeploy: "true",
        gateForced: "false",
        sqlUri: "s3://artifacts/sql/training-data.sql",
        datasetUri: "s3://data/datasets/run-2/daily-visits.csv",
        datasetSizeBytes: "1200",
        datasetSha256: "c".repeat(64),
        "hp.epochs": "12",
      },
    });
    assert.deepEqual(
      sagemaker.calls().map((call) => call.args[0].input),
      [
        { EndpointName: "visit-time-dev" },
        { EndpointConfigName: "run-1-model-config" },
        { ModelName: "run-1-model" },
      ],
    );
    assert.deepEqual(
      s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input),
      [CANDIDATE],
    );
  });

  it("rejects a candidate worse than the champion on the same split", async () => {
    candidate(evaluation(1.4, { model_name: "run-1-model", mae: 1.35 }));
    servedModel("run-1-model");
    const result = await gate()(EVENT);
    assert.equal(result.deploy, false);
    assert.match(result.reason, /^rejected: .*it is 0\.05 h worse than the champion run-1-model/);
  });

  it("rejects a candidate that does not beat the best baseline by the margin, and deploys it when forced", async () => {
    candidate(evaluation(1.55));
    noEndpoint();
    const result = await gate()(EVENT);
    assert.equal(result.deploy, false);
    assert.match(result.reason, /it is only 3\.1% lower than the best baseline user_median_first_hour/);
    assert.equal(result.champion, null);
    assert.equal(result.registryMetadata["gateDeploy"], "false");
    assert.ok(!("championModel" in result.registryMetadata), "no champion, no empty value");
    const forced = await gate()({ ...EVENT, force: true });
    assert.deepEqual([forced.deploy, forced.forced], [true, true]);
    assert.deepEqual(
      [forced.registryMetadata["gateDeploy"], forced.registryMetadata["gateForced"]],
      ["true", "true"],
    );
    assert.match(forced.reason, /^forced by ForceDeploy although the gate rejects it: /);
  });

  it("calls a first deployment one, without describing configs or models", async () => {
    candidate(evaluation(1.2));
    noEndpoint();
    const result = await gate()(EVENT);
    assert.equal(result.deploy, true);
    assert.match(
      result.reason,
      /; endpoint visit-time-dev serves no model yet, so there is no champion to beat and this model will be its first$/,
    );
    assert.equal(sagemaker.commandCalls(DescribeModelCommand).length, 0);
  });

  it("rejects when the endpoint serves a model other than the one scored, or one that was not scored", async () => {
    candidate(evaluation(1.2, { model_name: "run-0-model", mae: 1.5 }));
    servedModel("run-1-model");
    const moved = await gate()(EVENT);
    assert.equal(moved.deploy, false);
    assert.match(
      moved.reason,
      /the endpoint serves run-1-model, which was not scored on this test split \(Evaluate scored run-0-model, which the endpoint served then; another run has deployed since\)/,
    );

    s3.reset();
    candidate(evaluation(1.2));
    const unscored = await gate()(EVENT);
    assert.equal(unscored.deploy, false);
    assert.match(unscored.reason, /the evaluation has no champion score/);
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
    candidate(JSON.stringify({ model: { rmse: 1 }, baselines: {}, n_test: 3 }));
    await assert.rejects(gate()(EVENT), {
      name: "InvalidEvaluation",
      message:
        /evaluation\.model\.mae: .*; evaluation\.baselines: must list at least one baseline\. Expected \{"model": \{"mae": h, "rmse": h\}/,
    });
  });

  it("propagates SageMaker and S3 throttling with their own names", async () => {
    candidate(evaluation(1));
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
    await assert.rejects(gate()({ ...EVENT, maxRegressionHours: -1, minImprovementOverBaseline: 5 }), {
      name: "InvalidInput",
      message: /event\.minImprovementOverBaseline: .*; event\.maxRegressionHours/,
    });
    assert.equal(s3.calls().length + sagemaker.calls().length, 0);
  });
});
