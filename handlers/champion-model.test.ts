import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { mockClient } from "aws-sdk-client-mock";
import { SageMakerEndpointRegistry } from "./aws/sagemaker-endpoint-registry";
import { createChampionModelHandler } from "./champion-model";
import type { EndpointRegistry } from "./ports";
import { awsError } from "./testing/aws-fakes";
import { InMemoryEndpointRegistry } from "./testing/in-memory-endpoint-registry";

const sagemaker = mockClient(SageMakerClient);
const championModel = (registry: EndpointRegistry = new SageMakerEndpointRegistry(new SageMakerClient({}))) =>
  createChampionModelHandler({ endpointRegistry: registry, logSink: () => undefined });
const EVENT = { executionName: "run-2", endpointName: "visit-time-dev" };

describe("champion-model", () => {
  beforeEach(() => sagemaker.reset());

  it("finds the served model's artifacts through endpoint → config → model", async () => {
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointConfigName: "run-1-config" });
    sagemaker
      .on(DescribeEndpointConfigCommand)
      .resolves({ ProductionVariants: [{ VariantName: "AllTraffic", ModelName: "run-1-model" }] });
    sagemaker
      .on(DescribeModelCommand)
      .resolves({ PrimaryContainer: { ModelDataUrl: "s3://artifacts/runs/run-1/model.tar.gz" } });
    assert.deepEqual(await championModel()(EVENT), {
      found: true,
      modelName: "run-1-model",
      modelDataUrl: "s3://artifacts/runs/run-1/model.tar.gz",
      reason: "endpoint visit-time-dev serves run-1-model: Evaluate scores it on the same test split",
    });
  });

  it("finds no champion when the endpoint does not exist", async () => {
    sagemaker
      .on(DescribeEndpointCommand)
      .rejects(awsError("ValidationException", 'Could not find endpoint "visit-time-dev".'));
    assert.deepEqual(await championModel()(EVENT), {
      found: false,
      modelName: "",
      modelDataUrl: "",
      reason: "endpoint visit-time-dev does not exist: no champion",
    });
  });

  it("names a served model whose artifacts are unknown, so the gate can refuse to pass it over", async () => {
    const registry = new InMemoryEndpointRegistry().put("visit-time-dev", {
      status: "InService",
      failureReason: "",
      endpointConfigName: "run-1-config",
      deployed: { modelName: "run-1-model", evaluationUri: null, modelDataUrl: null },
    });
    const result = await championModel(registry)(EVENT);
    assert.deepEqual([result.found, result.modelName], [false, "run-1-model"]);
    assert.match(result.reason, /run-1-model has no ModelDataUrl/);
  });

  it("propagates throttling with its own name", async () => {
    sagemaker.on(DescribeEndpointCommand).rejects(awsError("ThrottlingException", "Rate exceeded"));
    await assert.rejects(championModel()(EVENT), { name: "ThrottlingException" });
  });
});
