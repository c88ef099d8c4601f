import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compliantDefinition, stateOf } from "./fixtures/definitions";
import { sagemakerEndpointDataCapture as policy } from "./sagemaker-endpoint-data-capture";
import {
  endpointConfig,
  instanceVariant,
  serverlessVariant,
  type EndpointConfigInputs,
  itPassesTheCompliantFixtures,
} from "./fixtures/endpoint-configs";
import { changed, check, stateMachine, stateMachineWithRawDefinition } from "./testing";

const compliantEndpointConfig: EndpointConfigInputs = {
  productionVariants: [instanceVariant("ml.c5.large")],
  dataCaptureConfig: {
    enableCapture: true,
    initialSamplingPercentage: 20,
    destinationS3Uri: "s3://artifacts/data-capture",
    captureOptions: [{ captureMode: "Input" }, { captureMode: "Output" }],
  },
};
describe("sagemaker-endpoint-data-capture", () => {
  itPassesTheCompliantFixtures(policy, compliantEndpointConfig);

  it("reports an endpoint configuration without data capture, unless serverless", async () => {
    const inputs = changed(compliantEndpointConfig, (c) => {
      delete c.dataCaptureConfig;
    });
    assert.deepEqual(await check(policy, [endpointConfig(inputs)], "mandatory"), [
      "mandatory endpoint-config: dataCaptureConfig is not set; capture the endpoint's inputs and outputs to S3",
    ]);
    const serverless = changed(inputs, (c) => {
      c.productionVariants = [serverlessVariant()];
    });
    assert.deepEqual(await check(policy, [endpointConfig(serverless)], "mandatory"), []);
  });

  it("reports disabled capture, low sampling and a missing mode", async () => {
    const inputs = changed(compliantEndpointConfig, (c) => {
      c.dataCaptureConfig = {
        enableCapture: false,
        initialSamplingPercentage: 5,
        destinationS3Uri: "s3://artifacts/data-capture",
        captureOptions: [{ captureMode: "Input" }],
      };
    });
    assert.deepEqual(await check(policy, [endpointConfig(inputs)]), [
      "advisory endpoint-config: dataCaptureConfig: enableCapture is false; initialSamplingPercentage is 5 (at least 10); " +
        "captureOptions does not capture Output; capture the endpoint's inputs and outputs to S3",
    ]);
  });

  it("reports a createEndpointConfig task without data capture or with a partial one", async () => {
    const missing = changed(compliantDefinition(), (d) => {
      delete stateOf(d, "CreateEndpointConfig", "Task").Parameters!["DataCaptureConfig"];
    });
    assert.deepEqual(await check(policy, [stateMachine("pipeline", missing)], "mandatory"), [
      'mandatory pipeline: Task "CreateEndpointConfig" (sagemaker:createEndpointConfig): DataCaptureConfig is not set; capture the endpoint\'s inputs and outputs to S3',
    ]);
    const partial = changed(compliantDefinition(), (d) => {
      stateOf(d, "CreateEndpointConfig", "Task").Parameters!["DataCaptureConfig"] = {
        InitialSamplingPercentage: 50,
        CaptureOptions: [{ CaptureMode: "Output" }],
      };
    });
    assert.deepEqual(await check(policy, [stateMachine("pipeline", partial)], "mandatory"), [
      'mandatory pipeline: Task "CreateEndpointConfig" (sagemaker:createEndpointConfig): DataCaptureConfig: DestinationS3Uri is not set; ' +
        "CaptureOptions does not capture Input; capture the endpoint's inputs and outputs to S3",
    ]);
  });

  it("reports an advisory for an unknown definition", async () => {
    assert.deepEqual(await check(policy, [stateMachineWithRawDefinition("pipeline", "")], "mandatory"), [
      "advisory pipeline: the definition cannot be checked: it is not valid JSON (Unexpected end of JSON input); Step Functions will reject it too, fix the definition builder",
    ]);
  });
});
