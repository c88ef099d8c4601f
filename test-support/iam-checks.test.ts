// The checker the stack tests rely on must catch each kind of violation it claims to.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { identityPolicyFindings, resourcePolicyFindings, type Statement } from "./iam-checks";

const compliant: Statement = {
  Sid: "Read",
  Effect: "Allow",
  Action: ["s3:GetObject"],
  Resource: ["arn:aws:s3:::data/datasets/*"],
};

function findings(change: Partial<Statement>): string[] {
  return identityPolicyFindings({ Version: "2012-10-17", Statement: [{ ...compliant, ...change }] });
}

describe("IAM checks", () => {
  it("accept a statement scoped to a named prefix", () => {
    assert.deepEqual(findings({}), []);
  });

  it("reject wildcard actions and *FullAccess", () => {
    assert.deepEqual(findings({ Action: ["s3:*"] }), ["Read: wildcard action s3:*"]);
    assert.deepEqual(findings({ Action: ["s3:Get*"] }), ["Read: wildcard action s3:Get*"]);
  });

  it('reject "*" resources except for the listed actions', () => {
    assert.deepEqual(findings({ Resource: ["*"] }), ['Read: s3:GetObject on "*" is not a listed exception']);
    assert.deepEqual(findings({ Action: ["ecr:GetAuthorizationToken"], Resource: "*" }), []);
  });

  it("accept one group's model packages, and any key only through a named service", () => {
    const packages = "arn:aws:sagemaker:eu-west-1:123456789012:model-package/visit-time-dev/*";
    assert.deepEqual(findings({ Action: ["sagemaker:CreateModelPackage"], Resource: [packages] }), []);
    const keys = "arn:aws:kms:eu-west-1:123456789012:key/*";
    const viaSns = { StringEquals: { "kms:ViaService": "sns.eu-west-1.amazonaws.com" } };
    assert.deepEqual(findings({ Action: ["kms:GenerateDataKey"], Resource: [keys], Condition: viaSns }), []);
    assert.deepEqual(findings({ Action: ["kms:GenerateDataKey"], Resource: [keys] }), [
      `Read: ${keys} is not scoped to a named resource`,
    ]);
    const everyGroup = "arn:aws:sagemaker:eu-west-1:123456789012:model-package/*";
    assert.deepEqual(findings({ Resource: [everyGroup] }), [
      `Read: ${everyGroup} is not scoped to a named resource`,
    ]);
  });

  it("reject whole buckets, unnamed functions and any-job ARNs of other kinds", () => {
    assert.deepEqual(findings({ Resource: ["arn:aws:s3:::data/*"] }), [
      "Read: arn:aws:s3:::data/* is not scoped to a named resource",
    ]);
    assert.deepEqual(findings({ Resource: ["arn:aws:lambda:eu-west-1:123456789012:function:*"] }), [
      "Read: arn:aws:lambda:eu-west-1:123456789012:function:* is not scoped to a named resource",
    ]);
    assert.deepEqual(findings({ Resource: ["arn:aws:sagemaker:eu-west-1:123456789012:endpoint/*"] }), [
      "Read: arn:aws:sagemaker:eu-west-1:123456789012:endpoint/* is not scoped to a named resource",
    ]);
    assert.deepEqual(findings({ Resource: ["my-bucket"] }), ["Read: my-bucket is not an ARN"]);
  });

  it("reject iam:PassRole without iam:PassedToService", () => {
    assert.deepEqual(findings({ Action: ["iam:PassRole"], Resource: ["arn:aws:iam::123456789012:role/r"] }), [
      "Read: iam:PassRole without iam:PassedToService",
    ]);
  });

  it("reject resource policies that allow everyone", () => {
    assert.deepEqual(
      resourcePolicyFindings({ Statement: [{ Effect: "Allow", Principal: "*", Action: "sns:Publish" }] }),
      ["statement 0: allows everyone"],
    );
    assert.deepEqual(
      resourcePolicyFindings({ Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:*" }] }),
      [],
    );
  });
});
