// The state machine role's deployment permissions, evaluated by an IAM engine: what the CreateModel,
// CreateEndpointConfig, CreateEndpoint and UpdateEndpoint integrations call, what registering a model
// (CreateModelPackage) and announcing a rejection (sns:Publish) call, and nothing beyond.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decide, type SimulatedRequest } from "../../test-support/iam-simulation";
import { modelEndpointStatements } from "./definition";

const account = "123456789012";
const statements = modelEndpointStatements({
  aws: { partition: "aws", region: "eu-west-1", accountId: account },
  qualityGateArn: `arn:aws:lambda:eu-west-1:${account}:function:gate`,
  endpointStatusArn: `arn:aws:lambda:eu-west-1:${account}:function:status`,
  roleArn: `arn:aws:iam::${account}:role/sagemaker`,
  endpointName: "Visit-Time-Dev",
  tags: { project: "visit-time-pipeline", "visit-time-pipeline:stack": "visit-time-dev" },
  modelPackageGroupName: "Visit-Time-Dev",
  notificationTopicArn: `arn:aws:sns:eu-west-1:${account}:visit-time-dev-notifications`,
});
const role = `arn:aws:iam::${account}:role/state-machine`;
/** What the stack's own models and endpoint configs carry, and another stack's. */
const OWN = { "aws:ResourceTag/visit-time-pipeline:stack": "visit-time-dev" };
const OTHER = { "aws:ResourceTag/visit-time-pipeline:stack": "visit-time-prod" };
const sagemaker = (resource: string) => `arn:aws:sagemaker:eu-west-1:${account}:${resource}`;

describe("the state machine role's deployment permissions", () => {
  it("let Step Functions read the tags of the models, configs and endpoint it creates", async () => {
    // Step Functions calls ListTags when a SageMaker request carries Tags (AWS's IAM template for the
    // integration and CDK grant it on models and endpoint configs as well as jobs).
    for (const resource of ["model/run-1-model", "endpoint-config/run-1-config", "endpoint/visit-time-dev"]) {
      const request = { action: "sagemaker:ListTags", resource: sagemaker(resource), context: OWN };
      assert.equal(await decide(role, statements, request), "Allowed", resource);
    }
  });

  it("deploy only to the stack's endpoint and never delete it", async () => {
    for (const action of ["sagemaker:CreateEndpoint", "sagemaker:UpdateEndpoint"]) {
      const own = { action, resource: sagemaker("endpoint/visit-time-dev") };
      assert.equal(await decide(role, statements, own), "Allowed", action);
      const other = { action, resource: sagemaker("endpoint/someone-elses") };
      assert.equal(await decide(role, statements, other), "ImplicitlyDenied", action);
    }
    const remove = { action: "sagemaker:DeleteEndpoint", resource: sagemaker("endpoint/visit-time-dev") };
    assert.equal(await decide(role, statements, remove), "ImplicitlyDenied");
  });

  it("create models and endpoint configs only tagged with the stack, and deploy only the stack's configs", async () => {
    const create = (tag: string | null): SimulatedRequest => ({
      action: "sagemaker:CreateModel",
      resource: sagemaker("model/run-1-model"),
      context: tag === null ? {} : { "aws:RequestTag/visit-time-pipeline:stack": tag },
    });
    assert.equal(await decide(role, statements, create("visit-time-dev")), "Allowed");
    assert.equal(await decide(role, statements, create("visit-time-prod")), "ImplicitlyDenied");
    assert.equal(await decide(role, statements, create(null)), "ImplicitlyDenied");
    const deploy = (context: Record<string, string>) => ({
      action: "sagemaker:UpdateEndpoint",
      resource: sagemaker("endpoint-config/run-1-config"),
      context,
    });
    assert.equal(await decide(role, statements, deploy(OWN)), "Allowed");
    assert.equal(await decide(role, statements, deploy(OTHER)), "ImplicitlyDenied");
  });

  it("register models only in the stack's own group, and never change or delete them", async () => {
    // IAM authorizes CreateModelPackage on the version it creates: model-package/<group>/<version>.
    const create = {
      action: "sagemaker:CreateModelPackage",
      resource: sagemaker("model-package/visit-time-dev/7"),
    };
    assert.equal(await decide(role, statements, create), "Allowed");
    const tags = { action: "sagemaker:AddTags", resource: sagemaker("model-package/visit-time-dev/7") };
    assert.equal(await decide(role, statements, tags), "Allowed");
    for (const [action, resource] of [
      ["sagemaker:CreateModelPackage", "model-package/someone-elses/1"],
      ["sagemaker:UpdateModelPackage", "model-package/visit-time-dev/7"],
      ["sagemaker:DeleteModelPackage", "model-package/visit-time-dev/7"],
    ] as const) {
      const request = { action, resource: sagemaker(resource) };
      assert.equal(await decide(role, statements, request), "ImplicitlyDenied", `${action} ${resource}`);
    }
  });

  it("publish only to the stack's topic, using a key only through SNS", async () => {
    const topic = `arn:aws:sns:eu-west-1:${account}:visit-time-dev-notifications`;
    const publish = { action: "sns:Publish", resource: topic };
    assert.equal(await decide(role, statements, publish), "Allowed");
    const other = { action: "sns:Publish", resource: `arn:aws:sns:eu-west-1:${account}:other` };
    assert.equal(await decide(role, statements, other), "ImplicitlyDenied");
    const key = `arn:aws:kms:eu-west-1:${account}:key/0000-topic-key`;
    const viaSns = { "kms:ViaService": "sns.eu-west-1.amazonaws.com" };
    const encrypt = { action: "kms:GenerateDataKey", resource: key, context: viaSns };
    assert.equal(await decide(role, statements, encrypt), "Allowed");
    const viaS3 = { ...encrypt, context: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } };
    assert.equal(await decide(role, statements, viaS3), "ImplicitlyDenied");
    const direct = { action: "kms:Decrypt", resource: key };
    assert.equal(await decide(role, statements, direct), "ImplicitlyDenied");
  });
});
