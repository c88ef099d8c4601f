// The state machine role's deployment permissions, evaluated by an IAM engine: what the CreateModel,
// CreateEndpointConfig, CreateEndpoint and UpdateEndpoint integrations call, and nothing beyond.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decide } from "../../test-support/iam-simulation";
import { modelEndpointStatements } from "./definition";

const account = "123456789012";
const statements = modelEndpointStatements({
  aws: { partition: "aws", region: "eu-west-1", accountId: account },
  qualityGateArn: `arn:aws:lambda:eu-west-1:${account}:function:gate`,
  endpointStatusArn: `arn:aws:lambda:eu-west-1:${account}:function:status`,
  roleArn: `arn:aws:iam::${account}:role/sagemaker`,
  endpointName: "Visit-Time-Dev",
});
const role = `arn:aws:iam::${account}:role/state-machine`;
const sagemaker = (resource: string) => `arn:aws:sagemaker:eu-west-1:${account}:${resource}`;

describe("the state machine role's deployment permissions", () => {
  it("let Step Functions read the tags of the models, configs and endpoint it creates", async () => {
    // Step Functions calls ListTags when a SageMaker request carries Tags (AWS's IAM template for the
    // integration and CDK grant it on models and endpoint configs as well as jobs).
    for (const resource of ["model/run-1-model", "endpoint-config/run-1-config", "endpoint/visit-time-dev"]) {
      const request = { action: "sagemaker:ListTags", resource: sagemaker(resource) };
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
});
