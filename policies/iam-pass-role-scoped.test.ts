import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { iamStack, managedPolicy, role, SAGEMAKER_ROLE, statesPolicy } from "./fixtures/iam";
import { iamPassRoleScoped as policy } from "./iam-pass-role-scoped";
import { changed, check } from "./testing";

describe("iam-pass-role-scoped", () => {
  it("passes the compliant stack", async () => {
    assert.deepEqual(await check(policy, iamStack()), []);
  });

  it("reports a wildcard role and a missing service condition", async () => {
    const wildcard = changed(statesPolicy, (p) => {
      p.Statement[2]!.Resource = "arn:aws:iam::123456789012:role/*";
    });
    assert.deepEqual(await check(policy, [role(wildcard)]), [
      'mandatory states-role: inline policy "states" statement "PassExecutionRole" allows iam:PassRole on "arn:aws:iam::123456789012:role/*"; name the role ARNs it passes',
    ]);
    const unconditioned = changed(statesPolicy, (p) => {
      delete (p.Statement[2] as { Condition?: unknown }).Condition;
    });
    assert.deepEqual(await check(policy, [role(unconditioned)]), [
      'mandatory states-role: inline policy "states" statement "PassExecutionRole" allows iam:PassRole without an iam:PassedToService condition; add one naming the receiving services (e.g. {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}})',
    ]);
    const viaWildcardAction = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "iam:Pass*", Resource: SAGEMAKER_ROLE }],
    };
    assert.deepEqual(await check(policy, [managedPolicy(viaWildcardAction)]), [
      'mandatory managed: policy statement #1 allows iam:PassRole without an iam:PassedToService condition; add one naming the receiving services (e.g. {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}})',
    ]);
  });
});
