// The SageMaker API check is not vacuous: each kind of mistake it exists to catch is caught, named by
// the state and member, and the definition's own Tasks pass.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildPipelineDefinition } from "../components/pipeline/definition";
import { exampleSettings } from "../components/pipeline/example-settings";
import { definitionSageMakerProblems, sageMakerParameterProblems } from "./sagemaker-api";

const TRAINING = "arn:aws:states:::sagemaker:createTrainingJob.sync";

type Tree = Record<string, unknown>;

/** The example definition's Train parameters with `edits` applied: a path ("A.0.B") to a new value, or
 * to undefined to delete the member. */
function trainParameters(edits: Record<string, unknown>): unknown {
  const definition = buildPipelineDefinition(exampleSettings());
  const parameters = structuredClone((definition.States["Train"] as { Parameters: Tree }).Parameters);
  for (const [path, value] of Object.entries(edits)) {
    const keys = path.split(".");
    const parent = keys.slice(0, -1).reduce<Tree>((node, key) => node[key] as Tree, parameters);
    const last = keys.at(-1) ?? "";
    if (value === undefined) delete parent[last];
    else parent[last] = value;
  }
  return parameters;
}

describe("SageMaker Task Parameters against the API's request shapes", () => {
  it("passes every SageMaker Task of the example definition", () => {
    const { tasks, problems } = definitionSageMakerProblems(buildPipelineDefinition(exampleSettings()));
    assert.deepEqual(problems, []);
    assert.deepEqual(tasks.sort(), [
      "CreateEndpoint",
      "CreateEndpointConfig",
      "CreateModel",
      "Evaluate",
      "EvaluateWithChampion",
      "Preprocess",
      "RegisterApprovedModel",
      "RegisterRejectedModel",
      "RegisterUndecidedModel",
      "Train",
      "UpdateEndpoint",
    ]);
  });

  it("names a missing required member, also deep inside a list", () => {
    const problems = sageMakerParameterProblems(
      TRAINING,
      trainParameters({ OutputDataConfig: undefined, "InputDataConfig.0.ChannelName": undefined }),
      "Train",
    );
    assert.deepEqual(problems, [
      "Train: CreateTrainingJobRequest requires OutputDataConfig",
      "Train.InputDataConfig[0]: Channel requires ChannelName",
    ]);
  });

  it("counts a JSONPath member as present, and refuses an unknown one", () => {
    assert.deepEqual(sageMakerParameterProblems(TRAINING, trainParameters({ HyperParameter: {} })), [
      "Parameters.HyperParameter: not a member of CreateTrainingJobRequest (members: " +
        "TrainingJobName, RoleArn, OutputDataConfig, HyperParameters, AlgorithmSpecification, InputDataConfig, " +
        "ResourceConfig, VpcConfig, StoppingCondition, Tags, EnableNetworkIsolation, EnableInterContainerTrafficEncryption, " +
        "EnableManagedSpotTraining, CheckpointConfig, DebugHookConfig, DebugRuleConfigurations, TensorBoardOutputConfig, " +
        "ExperimentConfig, ProfilerConfig, ProfilerRuleConfigurations, Environment, RetryStrategy, RemoteDebugConfig, " +
        "InfraCheckConfig, SessionChainingConfig, ServerlessJobConfig, MlflowConfig, ModelPackageConfig)",
    ]);
  });

  it("refuses a value outside the API's enum and a value of the wrong type", () => {
    const problems = sageMakerParameterProblems(
      TRAINING,
      trainParameters({
        "AlgorithmSpecification.TrainingInputMode": "Stream",
        "ResourceConfig.InstanceType": "ml.c5.huge",
        "ResourceConfig.InstanceCount": "1",
        "HyperParameters.epochs": 30,
      }),
    );
    assert.deepEqual(
      problems.sort(),
      [
        `Parameters.HyperParameters: {"epochs":30,"sequence-length":"14"} is not a map of strings`,
        `Parameters.AlgorithmSpecification.TrainingInputMode: "Stream" is not one of SageMaker's AlgorithmSpecification.TrainingInputMode values`,
        `Parameters.ResourceConfig.InstanceType: "ml.c5.huge" is not one of SageMaker's ResourceConfig.InstanceType values`,
        `Parameters.ResourceConfig.InstanceCount: "1" is not a number`,
      ].sort(),
    );
  });

  it("refuses a KMS alias where SageMaker is given a key, and an API it does not know", () => {
    const problems = sageMakerParameterProblems(
      TRAINING,
      trainParameters({
        "ResourceConfig.VolumeKmsKeyId": "arn:aws:kms:eu-west-1:123456789012:alias/visit-time-prod",
        "OutputDataConfig.KmsKeyId":
          "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      }),
    );
    assert.deepEqual(problems, [
      `Parameters.ResourceConfig.VolumeKmsKeyId: "arn:aws:kms:eu-west-1:123456789012:alias/visit-time-prod" is not a KMS key ARN (an alias or a bare id is not)`,
    ]);
    assert.deepEqual(
      sageMakerParameterProblems("arn:aws:states:::sagemaker:createHyperParameterTuningJob.sync", {}),
      [
        "Parameters: no SageMaker API known for arn:aws:states:::sagemaker:createHyperParameterTuningJob.sync",
      ],
    );
  });

  it("checks the model registry's CreateModelPackage (AWS SDK integration) like the optimized ones", () => {
    const definition = buildPipelineDefinition(exampleSettings());
    const state = definition.States["RegisterRejectedModel"] as { Resource: string; Parameters: Tree };
    assert.equal(state.Resource, "arn:aws:states:::aws-sdk:sagemaker:createModelPackage");
    const parameters = {
      ...structuredClone(state.Parameters),
      ModelApprovalStatus: "Declined",
      ModelPackageGroup: "visit-time-example",
    };
    assert.deepEqual(sageMakerParameterProblems(state.Resource, parameters, "RegisterRejectedModel").sort(), [
      `RegisterRejectedModel.ModelApprovalStatus: "Declined" is not one of SageMaker's CreateModelPackageInput.ModelApprovalStatus values`,
      "RegisterRejectedModel.ModelPackageGroup: not a member of CreateModelPackageInput (members: " +
        "ModelPackageName, ModelPackageGroupName, ModelPackageDescription, ModelPackageRegistrationType, " +
        "InferenceSpecification, ValidationSpecification, SourceAlgorithmSpecification, CertifyForMarketplace, " +
        "Tags, ModelApprovalStatus, MetadataProperties, ModelMetrics, ClientToken, Domain, Task, SamplePayloadUrl, " +
        "CustomerMetadataProperties, DriftCheckBaselines, AdditionalInferenceSpecifications, SkipModelValidation, " +
        "SourceUri, SecurityConfig, ModelCard, ModelLifeCycle, ManagedStorageType)",
    ]);
  });
});
