import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { iamStack, managedPolicy, role, statesPolicy } from "./fixtures/iam";
import { iamSagemakerResourcesScoped as policy, namesEveryResource } from "./iam-sagemaker-resources-scoped";
import { changed, check } from "./testing";

const REASON =
  "every name of the account, without a tag condition; scope it to the stack's own resources: a name prefix " +
  '(e.g. "arn:aws:sagemaker:<region>:<account>:model/visit-time-dev-*") or a condition on ' +
  "aws:RequestTag/<key> (creation) or aws:ResourceTag/<key> (existing resources)";

describe("iam-sagemaker-resources-scoped", () => {
  it("passes the compliant stack: creation conditioned on the stack's tag", async () => {
    assert.deepEqual(await check(policy, iamStack()), []);
  });

  it("reports a role that may create SageMaker jobs of every name without a tag condition", async () => {
    const unconditioned = changed(statesPolicy, (p) => {
      delete (p.Statement[1] as { Condition?: unknown }).Condition;
    });
    assert.deepEqual(await check(policy, [role(unconditioned)]), [
      `mandatory states-role: inline policy "states" statement "RunJobs" allows sagemaker:CreateProcessingJob, sagemaker:AddTags on "arn:aws:sagemaker:eu-west-1:123456789012:processing-job/*", ${REASON}`,
    ]);
    const everything = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "sagemaker:Create*", Resource: "*" }],
    };
    const [message] = await check(policy, [managedPolicy(everything)]);
    assert.match(
      message ?? "",
      /^mandatory managed: policy statement #1 allows sagemaker:CreateProcessingJob, .*sagemaker:CreateModelPackage on "\*", every name/,
    );
  });

  it("accepts a name prefix, and reads (Describe*) without a condition", async () => {
    const prefixed = changed(statesPolicy, (p) => {
      delete (p.Statement[1] as { Condition?: unknown }).Condition;
      p.Statement[1]!.Resource = "arn:aws:sagemaker:eu-west-1:123456789012:processing-job/visit-time-dev-*";
    });
    assert.deepEqual(await check(policy, [role(prefixed)]), []);
    const reads = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: ["sagemaker:DescribeModel"], Resource: "*" }],
    };
    assert.deepEqual(await check(policy, [managedPolicy(reads)]), []);
    assert.deepEqual(
      [
        "*",
        "arn:aws:sagemaker:eu-west-1:1:model/*",
        "arn:aws:sagemaker:*:*:*",
        "arn:aws:sagemaker:eu-west-1:1:model/vt-*",
      ].map(namesEveryResource),
      [true, true, true, false],
    );
  });
});
