import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { DescribeEndpointCommand, SageMakerClient } from "@aws-sdk/client-sagemaker";
import { mockClient } from "aws-sdk-client-mock";
import { SageMakerEndpointRegistry } from "./aws/sagemaker-endpoint-registry";
import { createEndpointStatusHandler } from "./endpoint-status";
import { TRANSIENT_HANDLER_ERRORS } from "./errors";
import type { EndpointRegistry } from "./ports";
import { awsError } from "./testing/aws-fakes";
import { InMemoryEndpointRegistry } from "./testing/in-memory-endpoint-registry";

const sagemaker = mockClient(SageMakerClient);
const endpointStatus = (
  registry: EndpointRegistry = new SageMakerEndpointRegistry(new SageMakerClient({})),
) => createEndpointStatusHandler({ endpointRegistry: registry, logSink: () => undefined });
const EVENT = { executionName: "run-1", endpointName: "visit-time-dev" };

describe("endpoint-status", () => {
  beforeEach(() => sagemaker.reset());

  it("reports an existing endpoint's status", async () => {
    sagemaker
      .on(DescribeEndpointCommand)
      .resolves({ EndpointStatus: "Updating", EndpointConfigName: "run-2-config" });
    assert.deepEqual(await endpointStatus()(EVENT), {
      exists: true,
      status: "Updating",
      failureReason: "",
      endpointConfigName: "run-2-config",
    });
    assert.deepEqual(
      sagemaker.commandCalls(DescribeEndpointCommand).map((call) => call.args[0].input),
      [{ EndpointName: "visit-time-dev" }],
    );
  });

  it("reports a failed endpoint with SageMaker's reason", async () => {
    sagemaker
      .on(DescribeEndpointCommand)
      .resolves({ EndpointStatus: "Failed", FailureReason: "Image not found" });
    assert.deepEqual(await endpointStatus()(EVENT), {
      exists: true,
      status: "Failed",
      failureReason: "Image not found",
      endpointConfigName: "",
    });
  });

  it("reports a missing endpoint as NotFound instead of SageMaker's ValidationException", async () => {
    sagemaker
      .on(DescribeEndpointCommand)
      .rejects(awsError("ValidationException", 'Could not find endpoint "visit-time-dev".'));
    assert.deepEqual(await endpointStatus()(EVENT), {
      exists: false,
      status: "NotFound",
      failureReason: "",
      endpointConfigName: "",
    });
  });

  it("propagates any other ValidationException and throttling unchanged", async () => {
    sagemaker
      .on(DescribeEndpointCommand)
      .rejectsOnce(awsError("ValidationException", "1 validation error detected"));
    await assert.rejects(endpointStatus()(EVENT), { name: "ValidationException" });
    sagemaker.on(DescribeEndpointCommand).rejects(awsError("ThrottlingException", "Rate exceeded"));
    await assert.rejects(endpointStatus()(EVENT), { name: "ThrottlingException" });
    assert.ok(TRANSIENT_HANDLER_ERRORS.includes("ThrottlingException"));
  });

  it("rejects a malformed event with InvalidInput naming the endpoint name", async () => {
    await assert.rejects(endpointStatus()({ executionName: "run-1", endpointName: "bad_name" }), {
      name: "InvalidInput",
      message: /event\.endpointName: must be a SageMaker endpoint name/,
    });
    assert.equal(sagemaker.calls().length, 0);
  });

  it("works on any EndpointRegistry, e.g. the in-memory fake", async () => {
    const registry = new InMemoryEndpointRegistry().put("visit-time-dev", {
      status: "InService",
      failureReason: "",
      endpointConfigName: "m-1-config",
      deployed: { modelName: "m-1", evaluationUri: "s3://b-1/eval.json", modelDataUrl: "s3://b-1/m.tar.gz" },
    });
    assert.deepEqual(await endpointStatus(registry)(EVENT), {
      exists: true,
      status: "InService",
      failureReason: "",
      endpointConfigName: "m-1-config",
    });
    assert.deepEqual(await endpointStatus(registry)({ ...EVENT, endpointName: "other" }), {
      exists: false,
      status: "NotFound",
      failureReason: "",
      endpointConfigName: "",
    });
  });
});
