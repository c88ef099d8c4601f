import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compliantDefinition } from "./fixtures/definitions";
import type { StateMachineDefinition } from "./lib/asl";
import { sagemakerModelRegistry as policy } from "./sagemaker-model-registry";
import { changed, check, resource, stateMachine, stateMachineWithRawDefinition } from "./testing";

const GROUP_TYPE = "aws:sagemaker/modelPackageGroup:ModelPackageGroup";

const compliantGroup: {
  modelPackageGroupName: string;
  modelPackageGroupDescription: string;
  tags: Record<string, string>;
} = {
  modelPackageGroupName: "visit-time-dev",
  modelPackageGroupDescription: "Models evaluated for endpoint visit-time-dev",
  tags: { project: "visit-time-pipeline", environment: "dev" },
};

/** The compliant definition with the pipeline's RegisterRejectedModel Task in front of its first state. */
function registering(parameters: Record<string, unknown>): StateMachineDefinition {
  return changed(compliantDefinition(), (definition) => {
    definition.States["RegisterRejectedModel"] = {
      Type: "Task",
      Resource: "arn:aws:states:::aws-sdk:sagemaker:createModelPackage",
      Parameters: { ModelApprovalStatus: "Rejected", ...parameters },
      Retry: [{ ErrorEquals: ["SageMaker.ThrottlingException"], MaxAttempts: 3 }],
      Catch: [{ ErrorEquals: ["States.ALL"], Next: definition.StartAt }],
      Next: definition.StartAt,
    } as never;
    definition.StartAt = "RegisterRejectedModel";
  });
}

const group = (inputs: object = compliantGroup) => resource(GROUP_TYPE, "model-packages", inputs);

describe("sagemaker-model-registry", () => {
  it("passes a registration in the stack's own, tagged group", async () => {
    const machine = stateMachine("pipeline", registering({ ModelPackageGroupName: "visit-time-dev" }));
    assert.deepEqual(await check(policy, [group(), machine]), []);
  });

  it("reports a registration in a group the stack does not declare, or none", async () => {
    const elsewhere = stateMachine("pipeline", registering({ ModelPackageGroupName: "someone-elses" }));
    assert.deepEqual(await check(policy, [group(), elsewhere]), [
      'mandatory pipeline: Task "RegisterRejectedModel" registers models in "someone-elses", which is not a Model ' +
        "Package Group of this stack (declared: visit-time-dev); declare it with aws.sagemaker.ModelPackageGroup",
    ]);
    assert.deepEqual(await check(policy, [elsewhere]), [
      'mandatory pipeline: Task "RegisterRejectedModel" registers models in "someone-elses", which is not a Model ' +
        "Package Group of this stack (declared: none); declare it with aws.sagemaker.ModelPackageGroup",
    ]);
    const unnamed = stateMachine("pipeline", registering({}));
    assert.deepEqual(await check(policy, [group(), unnamed]), [
      'mandatory pipeline: Task "RegisterRejectedModel" registers a model without ModelPackageGroupName; name the stack\'s group',
    ]);
  });

  it("reports a group named at run time, which cannot be checked", async () => {
    const dynamic = stateMachine("pipeline", registering({ "ModelPackageGroupName.$": "$.run.Group" }));
    assert.deepEqual(await check(policy, [group(), dynamic]), [
      'mandatory pipeline: Task "RegisterRejectedModel" names its Model Package Group at run time ($.run.Group); ' +
        "write the stack's group so that it can be checked",
    ]);
  });

  it("reports a group without the required tags, and takes the tags from the config", async () => {
    const untagged = group(changed(compliantGroup, (inputs) => void (inputs.tags = { project: "p" })));
    assert.deepEqual(await check(policy, [untagged]), [
      "mandatory model-packages: Model Package Group visit-time-dev has no environment tag; tag it as the stack's other resources",
    ]);
    assert.deepEqual(await check(policy, [untagged], { requiredTags: ["project"] }), []);
  });

  it("waits for a definition that is not known yet (preview)", async () => {
    assert.deepEqual(await check(policy, [group(), stateMachineWithRawDefinition("pipeline", undefined)]), [
      "advisory pipeline: the definition is not known yet; its model registrations are checked when it is known, at `pulumi up`",
    ]);
  });
});
