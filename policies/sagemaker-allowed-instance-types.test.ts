import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { branchOf, compliantDefinition, stateOf } from "./fixtures/definitions";
import { sagemakerAllowedInstanceTypes as policy } from "./sagemaker-allowed-instance-types";
import {
  endpointConfig,
  instanceVariant,
  serverlessVariant,
  type EndpointConfigInputs,
  itPassesTheCompliantFixtures,
} from "./fixtures/endpoint-configs";
import { changed, check, resource, stateMachine, stateMachineWithRawDefinition } from "./testing";

const compliantEndpointConfig: EndpointConfigInputs = {
  productionVariants: [instanceVariant("ml.m5.large")],
  shadowProductionVariants: [serverlessVariant("shadow")],
};

const notAllowed = (where: string, role: string, type: string, allowed: string, key: string) =>
  `mandatory pipeline: ${where}: ${role} instance type "${type}" is not allowed (allowed: ${allowed}); ` +
  `use an allowed type or add it to ${key} in the policy config`;

describe("sagemaker-allowed-instance-types", () => {
  itPassesTheCompliantFixtures(policy, compliantEndpointConfig);

  it("reports a disallowed production variant type", async () => {
    const inputs = changed(compliantEndpointConfig, (c) => {
      c.productionVariants[0]!.instanceType = "ml.p3.2xlarge";
    });
    assert.deepEqual(await check(policy, [endpointConfig(inputs)]), [
      'mandatory endpoint-config: production variant "primary": endpoint instance type "ml.p3.2xlarge" is not allowed ' +
        "(allowed: ml.t2.medium, ml.m5.large); use an allowed type or add it to endpointInstanceTypes in the policy config",
    ]);
  });

  it("reports a disallowed shadow variant type", async () => {
    const inputs = changed(compliantEndpointConfig, (c) => {
      c.shadowProductionVariants = [
        { variantName: "shadow", modelName: "model", instanceType: "ml.g5.xlarge" },
      ];
    });
    assert.deepEqual(await check(policy, [endpointConfig(inputs)]), [
      'mandatory endpoint-config: shadow variant "shadow": endpoint instance type "ml.g5.xlarge" is not allowed ' +
        "(allowed: ml.t2.medium, ml.m5.large); use an allowed type or add it to endpointInstanceTypes in the policy config",
    ]);
  });

  it("reports a serverless variant when serverless endpoints are not allowed", async () => {
    assert.deepEqual(
      await check(policy, [endpointConfig(compliantEndpointConfig)], { allowServerlessEndpoints: false }),
      [
        'mandatory endpoint-config: shadow variant "shadow": serverless endpoints are not allowed; set allowServerlessEndpoints in the policy config',
      ],
    );
  });

  it("reports a variant with neither instance type nor serverless config", async () => {
    const inputs = changed(compliantEndpointConfig, (c) => {
      delete c.productionVariants[0]!.instanceType;
    });
    assert.deepEqual(await check(policy, [endpointConfig(inputs)]), [
      'mandatory endpoint-config: production variant "primary": has neither an instance type nor a serverless config',
    ]);
  });

  it("reports another SageMaker resource's disallowed type", async () => {
    const notebook: Unwrap<aws.sagemaker.NotebookInstanceArgs> = {
      instanceType: "ml.p3.2xlarge",
      roleArn: "arn:aws:iam::1:role/nb",
    };
    assert.deepEqual(
      await check(policy, [
        resource("aws:sagemaker/notebookInstance:NotebookInstance", "notebook", notebook),
      ]),
      [
        'mandatory notebook: instanceType: other instance type "ml.p3.2xlarge" is not allowed (allowed: ml.t3.medium); ' +
          "use an allowed type or add it to otherInstanceTypes in the policy config",
      ],
    );
  });

  it("reports a processing job's disallowed type in the definition", async () => {
    const definition = changed(compliantDefinition(), (d) => {
      stateOf(d, "Preprocess", "Task").Parameters = {
        ProcessingResources: {
          ClusterConfig: { InstanceCount: 1, InstanceType: "ml.m5.4xlarge", VolumeSizeInGB: 30 },
        },
      };
    });
    assert.deepEqual(await check(policy, [stateMachine("pipeline", definition)]), [
      notAllowed(
        'Task "Preprocess" (sagemaker:createProcessingJob)',
        "processing",
        "ml.m5.4xlarge",
        "ml.t3.medium, ml.m5.large",
        "processingInstanceTypes",
      ),
    ]);
  });

  it("reports a training job's disallowed type in the definition", async () => {
    const definition = changed(compliantDefinition(), (d) => {
      stateOf(d, "Train", "Task").Parameters = {
        ResourceConfig: { InstanceCount: 1, InstanceType: "ml.p3.2xlarge", VolumeSizeInGB: 30 },
      };
    });
    assert.deepEqual(await check(policy, [stateMachine("pipeline", definition)]), [
      notAllowed(
        'Task "Train" (sagemaker:createTrainingJob)',
        "training",
        "ml.p3.2xlarge",
        "ml.m5.large",
        "trainingInstanceTypes",
      ),
    ]);
  });

  it("reports a training job's disallowed instance group type", async () => {
    const definition = changed(compliantDefinition(), (d) => {
      stateOf(d, "Train", "Task").Parameters = {
        ResourceConfig: {
          InstanceGroups: [
            { InstanceGroupName: "a", InstanceType: "ml.m5.large", InstanceCount: 1 },
            { InstanceGroupName: "b", InstanceType: "ml.p3.2xlarge", InstanceCount: 1 },
          ],
        },
      };
    });
    assert.deepEqual(await check(policy, [stateMachine("pipeline", definition)]), [
      notAllowed(
        'Task "Train" (sagemaker:createTrainingJob) instance group #2',
        "training",
        "ml.p3.2xlarge",
        "ml.m5.large",
        "trainingInstanceTypes",
      ),
    ]);
  });

  it("reports a job without an instance type", async () => {
    const definition = changed(compliantDefinition(), (d) => {
      stateOf(d, "Train", "Task").Parameters = { ResourceConfig: { InstanceCount: 1, VolumeSizeInGB: 30 } };
    });
    assert.deepEqual(await check(policy, [stateMachine("pipeline", definition)]), [
      'mandatory pipeline: Task "Train" (sagemaker:createTrainingJob): the training job has no instance type (ResourceConfig.InstanceType)',
    ]);
  });

  it("reports a disallowed type inside a Parallel branch", async () => {
    const definition = changed(compliantDefinition(), (d) => {
      stateOf(branchOf(d, "Score", 0), "Evaluate", "Task").Parameters = {
        ProcessingResources: {
          ClusterConfig: { InstanceCount: 1, InstanceType: "ml.c5.9xlarge", VolumeSizeInGB: 30 },
        },
      };
    });
    assert.deepEqual(await check(policy, [stateMachine("pipeline", definition)]), [
      notAllowed(
        'Task "Evaluate" in States.Score.Branches[0] (sagemaker:createProcessingJob)',
        "processing",
        "ml.c5.9xlarge",
        "ml.t3.medium, ml.m5.large",
        "processingInstanceTypes",
      ),
    ]);
  });

  it("reports an endpoint config task's disallowed production and shadow variants", async () => {
    const definition = changed(compliantDefinition(), (d) => {
      const parameters = stateOf(d, "CreateEndpointConfig", "Task").Parameters!;
      parameters["ProductionVariants"] = [
        { VariantName: "primary", ModelName: "m", InstanceType: "ml.p3.2xlarge", InitialInstanceCount: 1 },
      ];
      parameters["ShadowProductionVariants"] = [
        { VariantName: "shadow", ModelName: "m", InstanceType: "ml.g5.xlarge", InitialInstanceCount: 1 },
      ];
    });
    const where = 'Task "CreateEndpointConfig" (sagemaker:createEndpointConfig)';
    assert.deepEqual(await check(policy, [stateMachine("pipeline", definition)]), [
      notAllowed(
        `${where} production variant "primary"`,
        "endpoint",
        "ml.p3.2xlarge",
        "ml.t2.medium, ml.m5.large",
        "endpointInstanceTypes",
      ),
      notAllowed(
        `${where} shadow variant "shadow"`,
        "endpoint",
        "ml.g5.xlarge",
        "ml.t2.medium, ml.m5.large",
        "endpointInstanceTypes",
      ),
    ]);
  });

  it("passes an endpoint config task with a serverless variant", async () => {
    const definition = changed(compliantDefinition(), (d) => {
      stateOf(d, "CreateEndpointConfig", "Task").Parameters!["ProductionVariants"] = [
        {
          VariantName: "primary",
          ModelName: "m",
          ServerlessConfig: { MaxConcurrency: 2, MemorySizeInMB: 2048 },
        },
      ];
    });
    assert.deepEqual(await check(policy, [stateMachine("pipeline", definition)]), []);
  });

  it("reports a dynamic instance type unless the config allows it", async () => {
    const definition = changed(compliantDefinition(), (d) => {
      stateOf(d, "Train", "Task").Parameters = {
        ResourceConfig: {
          InstanceCount: 1,
          "InstanceType.$": "$.run.TrainingInstanceType",
          VolumeSizeInGB: 30,
        },
      };
    });
    assert.deepEqual(await check(policy, [stateMachine("pipeline", definition)]), [
      'mandatory pipeline: Task "Train" (sagemaker:createTrainingJob): the training instance type is dynamic ' +
        '(ResourceConfig.InstanceType.$: "$.run.TrainingInstanceType") and cannot be checked; ' +
        "write a fixed InstanceType, or set allowDynamicInstanceTypes in the policy config",
    ]);
    assert.deepEqual(
      await check(policy, [stateMachine("pipeline", definition)], { allowDynamicInstanceTypes: true }),
      [],
    );
  });

  it("reports a dynamic block above the instance type, and a JSONata expression", async () => {
    const definition = changed(compliantDefinition(), (d) => {
      stateOf(d, "Preprocess", "Task").Parameters = { "ProcessingResources.$": "$.run.resources" };
    });
    assert.deepEqual(await check(policy, [stateMachine("pipeline", definition)]), [
      'mandatory pipeline: Task "Preprocess" (sagemaker:createProcessingJob): the processing instance type is dynamic ' +
        '(ProcessingResources.$: "$.run.resources") and cannot be checked; ' +
        "write a fixed InstanceType, or set allowDynamicInstanceTypes in the policy config",
    ]);
    const jsonata = changed(compliantDefinition(), (d) => {
      stateOf(d, "Train", "Task").Parameters = {
        ResourceConfig: { InstanceType: "{% $states.input.type %}" },
      };
    });
    assert.deepEqual(await check(policy, [stateMachine("pipeline", jsonata)]), [
      'mandatory pipeline: Task "Train" (sagemaker:createTrainingJob): the training instance type is dynamic ' +
        '(ResourceConfig.InstanceType: "{% $states.input.type %}") and cannot be checked; ' +
        "write a fixed InstanceType, or set allowDynamicInstanceTypes in the policy config",
    ]);
  });

  it("uses the config's allowed types instead of the defaults", async () => {
    const config = { enforcementLevel: "advisory" as const, processingInstanceTypes: ["ml.m5.xlarge"] };
    assert.deepEqual(await check(policy, [stateMachine("pipeline", compliantDefinition())], config), [
      'advisory pipeline: Task "Preprocess" (sagemaker:createProcessingJob): processing instance type "ml.m5.large" is not allowed (allowed: ml.m5.xlarge); use an allowed type or add it to processingInstanceTypes in the policy config',
      'advisory pipeline: Task "Evaluate" in States.Score.Branches[0] (sagemaker:createProcessingJob): processing instance type "ml.m5.large" is not allowed (allowed: ml.m5.xlarge); use an allowed type or add it to processingInstanceTypes in the policy config',
    ]);
  });

  it("reports an advisory, not a crash, when the definition is unknown or unparseable", async () => {
    assert.deepEqual(await check(policy, [stateMachineWithRawDefinition("pipeline", undefined)]), [
      "advisory pipeline: the definition is not known yet (it depends on values computed during the update); it is checked when it is known, at `pulumi up`",
    ]);
    assert.deepEqual(await check(policy, [stateMachineWithRawDefinition("pipeline", "{not json")]), [
      "advisory pipeline: the definition cannot be checked: it is not valid JSON (Expected property name or '}' in JSON at position 1); Step Functions will reject it too, fix the definition builder",
    ]);
  });
});
