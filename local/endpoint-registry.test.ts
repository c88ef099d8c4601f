import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { endpointRegistryPort, LocalEndpointRegistry } from "./endpoint-registry";

const ROLE = "arn:aws:iam::000000000000:role/local";

async function withModel(registry: LocalEndpointRegistry, name: string): Promise<void> {
  await registry.createModel({
    ModelName: name,
    ExecutionRoleArn: ROLE,
    PrimaryContainer: {
      Image: "local/visit-time:dev",
      ModelDataUrl: `s3://artifacts/${name}/model.tar.gz`,
      Environment: { EVALUATION_URI: `s3://artifacts/${name}/evaluation.json` },
    },
  });
  await registry.createEndpointConfig({
    EndpointConfigName: `${name}-config`,
    ProductionVariants: [{ VariantName: "AllTraffic", ModelName: name, InstanceType: "ml.m5.large" }],
  });
}

describe("LocalEndpointRegistry", () => {
  let root = "";
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "registry-"));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("creates models and configs once, with SageMaker's errors for duplicates and missing names", async () => {
    const registry = new LocalEndpointRegistry(join(root, "a"));
    await withModel(registry, "run-1-model");
    const model = await registry.describeModel("run-1-model");
    assert.equal(model.ModelArn, "arn:aws:sagemaker:us-east-1:000000000000:model/run-1-model");
    await assert.rejects(() => withModel(registry, "run-1-model"), {
      name: "SageMaker.AmazonSageMakerException",
      message: /Cannot create already existing model .*run-1-model/,
    });
    await assert.rejects(
      () =>
        registry.createEndpointConfig({
          EndpointConfigName: "orphan",
          ProductionVariants: [{ VariantName: "AllTraffic", ModelName: "no-such-model" }],
        }),
      { name: "SageMaker.AmazonSageMakerException", message: /Could not find model .*no-such-model/ },
    );
    await assert.rejects(() => registry.describeModel("bad_name"), {
      message: /Invalid model name "bad_name"/,
    });
  });

  it("moves an endpoint Creating → InService and Updating → InService on the next describe", async () => {
    const registry = new LocalEndpointRegistry(join(root, "b"));
    await withModel(registry, "m1");
    await withModel(registry, "m2");
    await registry.createEndpoint({ EndpointName: "visits", EndpointConfigName: "m1-config" });
    await assert.rejects(
      () => registry.createEndpoint({ EndpointName: "visits", EndpointConfigName: "m1-config" }),
      {
        message: /Cannot create already existing endpoint/,
      },
    );
    await assert.rejects(
      () => registry.updateEndpoint({ EndpointName: "visits", EndpointConfigName: "m2-config" }),
      {
        message: /Cannot update in-progress endpoint/,
      },
    );
    assert.equal((await registry.describeEndpoint("visits")).EndpointStatus, "Creating");
    assert.equal((await registry.describeEndpoint("visits")).EndpointStatus, "InService");

    await registry.updateEndpoint({ EndpointName: "visits", EndpointConfigName: "m2-config" });
    const updating = await registry.describeEndpoint("visits");
    assert.equal(updating.EndpointStatus, "Updating");
    assert.equal(
      updating.EndpointConfigName,
      "m1-config",
      "serves the old config until the update completes",
    );
    const done = await registry.describeEndpoint("visits");
    assert.deepEqual([done.EndpointStatus, done.EndpointConfigName], ["InService", "m2-config"]);

    const current = await registry.currentDeployment("visits");
    assert.equal(current?.modelName, "m2");
    assert.equal(current?.version, 2);
    assert.equal(current?.modelDataUrl, "s3://artifacts/m2/model.tar.gz");
    assert.deepEqual(
      current?.history.map((entry) => [entry.version, entry.modelName]),
      [
        [1, "m1"],
        [2, "m2"],
      ],
    );
  });

  it("settles an accepted update as SageMaker would, whatever the run did next (issue 15, finding 2)", async () => {
    const registry = new LocalEndpointRegistry(join(root, "settle"));
    await withModel(registry, "m1");
    await withModel(registry, "m2");
    await registry.createEndpoint({ EndpointName: "visits", EndpointConfigName: "m1-config" });
    assert.equal((await registry.settle("visits"))?.EndpointStatus, "InService");
    await registry.updateEndpoint({ EndpointName: "visits", EndpointConfigName: "m2-config" });
    // The run stopped waiting (its status checks failed, or it was interrupted): the update still completes.
    assert.equal((await registry.currentDeployment("visits"))?.modelName, "m1", "while it updates");
    const settled = await registry.settle("visits");
    assert.deepEqual(
      [settled?.EndpointStatus, settled?.EndpointConfigName, settled?.pendingEndpointConfigName],
      ["InService", "m2-config", null],
    );
    assert.equal((await registry.currentDeployment("visits"))?.modelName, "m2");
    assert.ok(settled?.history.at(-1)?.inServiceAt, "the new version's time in service is recorded");
    assert.equal(
      (await registry.settle("visits"))?.EndpointConfigName,
      "m2-config",
      "settling again changes nothing",
    );
    assert.equal(await registry.settle("nowhere"), null);
  });

  it("refuses to update a missing endpoint", async () => {
    const registry = new LocalEndpointRegistry(join(root, "c"));
    await withModel(registry, "m1");
    await assert.rejects(
      () => registry.updateEndpoint({ EndpointName: "nowhere", EndpointConfigName: "m1-config" }),
      {
        name: "SageMaker.AmazonSageMakerException",
        message: /Could not find endpoint .*nowhere/,
      },
    );
    assert.equal(await registry.currentDeployment("nowhere"), null);
  });

  it("serves the handlers' EndpointRegistry port", async () => {
    const registry = new LocalEndpointRegistry(join(root, "d"));
    const port = endpointRegistryPort(registry);
    assert.equal(await port.describeEndpoint("visits"), null);
    assert.equal(await port.describeDeployedModel("visits"), null);
    await withModel(registry, "m1");
    await registry.createEndpoint({ EndpointName: "visits", EndpointConfigName: "m1-config" });
    assert.deepEqual(await port.describeDeployedModel("visits"), {
      modelName: "m1",
      evaluationUri: "s3://artifacts/m1/evaluation.json",
      modelDataUrl: "s3://artifacts/m1/model.tar.gz",
    });
    const described = { failureReason: "", endpointConfigName: "m1-config" };
    assert.deepEqual(await port.describeEndpoint("visits"), { status: "Creating", ...described });
    assert.deepEqual(await port.describeEndpoint("visits"), { status: "InService", ...described });
  });
});
