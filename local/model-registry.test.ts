import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { LocalModelRegistry, type ModelPackageInput } from "./model-registry";

const input = (executionName: string, gate: ModelPackageInput["gate"]): ModelPackageInput => ({
  groupName: "visits",
  executionName,
  modelName: `${executionName}-model`,
  endpointConfigName: `${executionName}-config`,
  imageUri: "visit-time-training:local",
  modelDataUrl: `s3://artifacts/runs/${executionName}/model/${executionName}-train/output/model.tar.gz`,
  evaluationUri: `s3://artifacts/runs/${executionName}/evaluation/evaluation.json`,
  metrics: {
    model: { mae: 1.3, rmse: 2.3 },
    baselines: { user_median_first_hour: { mae: 1.6, rmse: 2.5 } },
    bestBaseline: { name: "user_median_first_hour", mae: 1.6, rmse: 2.5 },
    champion: null,
    nTest: 500,
  },
  lineage: {
    input: { paths: ["/data/hits.csv"], files: [], sizeBytes: 10, sha256: "a".repeat(64) },
    sql: { uri: "s3://artifacts/sql/training-data-0.sql", sha256: "b".repeat(64) },
    dataset: null,
    hyperparameters: { epochs: "3" },
    backend: "wasm",
  },
  gate,
});

describe("LocalModelRegistry", () => {
  let root = "";
  const clock = { now: new Date("2026-11-28T10:00:00Z") };
  const registry = () => new LocalModelRegistry(root, () => clock.now);
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "model-registry-"));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it("registers each evaluated model as the group's next version, with the gate's status and reason", async () => {
    const first = await registry().register(
      input("run-1", { deploy: true, forced: false, reason: "accepted: the candidate …" }),
    );
    const second = await registry().register(
      input("run-2", { deploy: false, forced: false, reason: "rejected: the candidate …" }),
    );
    const third = await registry().register(input("run-3", null));
    assert.deepEqual(
      [first, second, third].map((pkg) => [pkg.ModelPackageVersion, pkg.ModelApprovalStatus]),
      [
        [1, "Approved"],
        [2, "Rejected"],
        [3, "PendingManualApproval"],
      ],
    );
    assert.equal(second.ModelPackageArn, "arn:aws:sagemaker:us-east-1:000000000000:model-package/visits/2");
    assert.equal(second.ApprovalDescription, "quality gate rejected: the candidate …");
    assert.deepEqual(second.InferenceSpecification.Containers, [
      { Image: "visit-time-training:local", ModelDataUrl: input("run-2", null).modelDataUrl },
    ]);
    assert.equal(second.ModelMetrics.ModelQuality.Statistics.S3Uri, input("run-2", null).evaluationUri);
    assert.equal(second.CustomerMetadataProperties["inputSha256"], "a".repeat(64));
    assert.equal(second.CustomerMetadataProperties["hp.epochs"], "3");
    const stored = JSON.parse(
      await readFile(join(root, "model-packages", "visits", "2.json"), "utf8"),
    ) as unknown;
    assert.deepEqual(stored, second);
    assert.deepEqual(
      (await registry().list("visits")).map((pkg) => pkg.executionName),
      ["run-1", "run-2", "run-3"],
    );
    assert.equal((await registry().findByExecution("visits", "run-2"))?.ModelPackageVersion, 2);
    assert.equal(await registry().findByExecution("visits", "run-9"), null);
    assert.deepEqual(await registry().list("other"), []);
  });

  it("changes a status with its reason and keeps every change", async () => {
    clock.now = new Date("2026-11-28T11:00:00Z");
    const promoted = await registry().updateApprovalStatus("visits", 2, {
      status: "Approved",
      by: "npm run runs -- promote",
      description: "promoted: the champion drifted",
    });
    assert.equal(promoted.ModelApprovalStatus, "Approved");
    assert.equal(promoted.LastModifiedTime, "2026-11-28T11:00:00.000Z");
    assert.deepEqual(
      promoted.approvals.map((change) => [change.status, change.by]),
      [
        ["Rejected", "quality gate"],
        ["Approved", "npm run runs -- promote"],
      ],
    );
    await assert.rejects(
      registry().updateApprovalStatus("visits", 9, { status: "Approved", by: "x", description: "y" }),
      { name: "UnknownModelPackage", message: /model-package\/visits\/9 does not exist/ },
    );
  });

  it("answers CreateModelPackage as SageMaker does, and completes the package with the run's facts", async () => {
    const models = new LocalModelRegistry(join(root, "create"), () => clock.now);
    const { ModelPackageArn } = await models.createModelPackage({
      ModelPackageGroupName: "visits",
      ModelPackageDescription: "run-9: quality gate rejected: the candidate …",
      ModelApprovalStatus: "Rejected",
      CustomerMetadataProperties: { executionName: "run-9", gateDeploy: "false", "hp.epochs": "3" },
    });
    assert.equal(ModelPackageArn, "arn:aws:sagemaker:us-east-1:000000000000:model-package/visits/1");
    // Not listed until its run completes it: `npm run runs` reads only complete packages.
    assert.deepEqual(await models.list("visits"), []);
    const created = await models.findCreatedByExecution("visits", "run-9");
    assert.equal(created?.ModelApprovalStatus, "Rejected");
    const gate = { deploy: false, forced: false, reason: "rejected: the candidate …" };
    const completed = await models.complete(created!, input("run-9", gate));
    assert.deepEqual(
      [completed.ModelPackageVersion, completed.ModelApprovalStatus, completed.ApprovalDescription],
      [1, "Rejected", "quality gate rejected: the candidate …"],
    );
    assert.equal(completed.CustomerMetadataProperties["gateDeploy"], "false");
    assert.equal(completed.CustomerMetadataProperties["inputUri"], "/data/hits.csv");
    assert.deepEqual(
      (await models.list("visits")).map((pkg) => pkg.executionName),
      ["run-9"],
    );
    assert.equal(await models.findCreatedByExecution("visits", "run-9"), null);
  });

  it("refuses a CreateModelPackage request SageMaker would refuse, naming the field", async () => {
    const models = new LocalModelRegistry(join(root, "refuse"), () => clock.now);
    await assert.rejects(
      models.createModelPackage({
        ModelPackageGroupName: "visits",
        ModelApprovalStatus: "Declined",
        ModelPackageDescription: "x".repeat(1025),
        CustomerMetadataProperties: { championModel: "", sqlUri: "s".repeat(257) },
      }),
      {
        name: "SageMaker.AmazonSageMakerException",
        message:
          "4 validation error(s) detected: Value 'Declined' at 'modelApprovalStatus' failed to satisfy constraint: " +
          "Member must satisfy enum value set: [PendingManualApproval, Approved, Rejected]; Value at " +
          "'modelPackageDescription' failed to satisfy constraint: Member must have length less than or equal to " +
          "1024; Value at 'customerMetadataProperties.championModel' failed to satisfy constraint: Member must be a " +
          "non-empty string; Value at 'customerMetadataProperties.sqlUri' failed to satisfy constraint: Member must " +
          "have length less than or equal to 256. (Service: AmazonSageMaker; Status Code: 400; Error Code: ValidationException)",
      },
    );
  });
});
