import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { iamStack, managedPolicy, role, statesPolicy } from "./fixtures/iam";
import { iamNoWildcardActions as policy } from "./iam-no-wildcard-actions";
import { changed, check } from "./testing";

describe("iam-no-wildcard-actions", () => {
  it("passes the compliant stack", async () => {
    assert.deepEqual(await check(policy, iamStack()), []);
  });

  it("reports service wildcards and NotAction, in inline and managed policies", async () => {
    const wildcard = changed(statesPolicy, (p) => {
      p.Statement[1]!.Action = ["sagemaker:*", "s3:GetObject"];
    });
    assert.deepEqual(await check(policy, [role(wildcard)]), [
      'mandatory states-role: inline policy "states" statement "RunJobs" allows "sagemaker:*"; list the actions it needs',
    ]);
    const everything = { Version: "2012-10-17", Statement: { Effect: "Allow", Action: "*", Resource: "*" } };
    assert.deepEqual(await check(policy, [managedPolicy(everything)]), [
      'mandatory managed: policy statement #1 allows "*"; list the actions it needs',
    ]);
    const notAction = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }],
    };
    assert.deepEqual(await check(policy, [managedPolicy(JSON.stringify(notAction))]), [
      "mandatory managed: policy statement #1 allows everything but NotAction; list the actions it needs with Action",
    ]);
    assert.deepEqual(await check(policy, [role(wildcard)], { allowedActions: ["sagemaker:*"] }), []);
  });
});
