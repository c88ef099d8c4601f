import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { branchOf, compliantDefinition, KMS_KEY, stateOf } from "./fixtures/definitions";
import { sagemakerVolumeEncryption as policy } from "./sagemaker-volume-encryption";
import {
  endpointConfig,
  instanceVariant,
  serverlessVariant,
  type EndpointConfigInputs,
  itPassesTheCompliantFixtures,
} from "./fixtures/endpoint-configs";
import { changed, check, resource, stateMachine, stateMachineWithRawDefinition } from "./testing";

const compliantEndpointConfig: EndpointConfigInputs = {
  productionVariants: [instanceVariant("ml.c5.large")],
  kmsKeyArn: KMS_KEY,
};
describe("sagemaker-volume-encryption", () => {
  itPassesTheCompliantFixtures(policy, compliantEndpointConfig);

  it("reports an endpoint configuration without a KMS key, unless all variants are serverless", async () => {
    const inputs = changed(compliantEndpointConfig, (c) => {
      delete c.kmsKeyArn;
    });
    assert.deepEqual(await check(policy, [endpointConfig(inputs)], "mandatory"), [
      "mandatory endpoint-config: kmsKeyArn is not set; encrypt the endpoint instances' storage volumes with a KMS key",
    ]);
    const serverless = changed(inputs, (c) => {
      c.productionVariants = [serverlessVariant()];
    });
    assert.deepEqual(await check(policy, [endpointConfig(serverless)], "mandatory"), []);
  });

  it("reports a notebook instance without a KMS key", async () => {
    const notebook: Unwrap<aws.sagemaker.NotebookInstanceArgs> = {
      instanceType: "ml.t3.medium",
      roleArn: "arn:aws:iam::1:role/nb",
    };
    assert.deepEqual(
      await check(policy, [
        resource("aws:sagemaker/notebookInstance:NotebookInstance", "notebook", notebook),
      ]),
      ["advisory notebook: kmsKeyId is not set; encrypt the notebook's storage volume with a KMS key"],
    );
  });

  it("reports each job task without a volume key, nested too", async () => {
    const definition = changed(compliantDefinition(), (d) => {
      delete stateOf(d, "Train", "Task").Parameters!["ResourceConfig"];
      stateOf(branchOf(d, "Score", 0), "Evaluate", "Task").Parameters!["ProcessingResources"] = {
        ClusterConfig: { InstanceCount: 1, InstanceType: "ml.m5.large", VolumeSizeInGB: 30 },
      };
      delete stateOf(d, "CreateEndpointConfig", "Task").Parameters!["KmsKeyId"];
    });
    assert.deepEqual(await check(policy, [stateMachine("pipeline", definition)], "mandatory"), [
      'mandatory pipeline: Task "Train" (sagemaker:createTrainingJob): ResourceConfig.VolumeKmsKeyId is not set; encrypt the instances\' storage volumes with a KMS key',
      'mandatory pipeline: Task "CreateEndpointConfig" (sagemaker:createEndpointConfig): KmsKeyId is not set; encrypt the instances\' storage volumes with a KMS key',
      'mandatory pipeline: Task "Evaluate" in States.Score.Branches[0] (sagemaker:createProcessingJob): ProcessingResources.ClusterConfig.VolumeKmsKeyId is not set; encrypt the instances\' storage volumes with a KMS key',
    ]);
  });

  it("accepts a dynamic key unless the config forbids it", async () => {
    const definition = changed(compliantDefinition(), (d) => {
      stateOf(d, "Train", "Task").Parameters!["ResourceConfig"] = {
        InstanceCount: 1,
        InstanceType: "ml.m5.large",
        VolumeSizeInGB: 30,
        "VolumeKmsKeyId.$": "$.run.KmsKey",
      };
    });
    assert.deepEqual(await check(policy, [stateMachine("pipeline", definition)]), []);
    assert.deepEqual(
      await check(policy, [stateMachine("pipeline", definition)], { allowDynamicKeys: false }),
      [
        'advisory pipeline: Task "Train" (sagemaker:createTrainingJob): ResourceConfig.VolumeKmsKeyId.$ is dynamic ($.run.KmsKey); write the KMS key ARN, or set allowDynamicKeys',
      ],
    );
  });

  it("reports an advisory for an unknown definition", async () => {
    assert.deepEqual(
      await check(policy, [stateMachineWithRawDefinition("pipeline", undefined)], "mandatory"),
      [
        "advisory pipeline: the definition is not known yet (it depends on values computed during the update); it is checked when it is known, at `pulumi up`",
      ],
    );
  });
});
