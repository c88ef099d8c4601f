import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { attachment, iamStack, roleInputs } from "./fixtures/iam";
import { iamNoFullAccessManagedPolicies as policy } from "./iam-no-full-access-managed-policies";
import { check, resource } from "./testing";

describe("iam-no-full-access-managed-policies", () => {
  it("passes the compliant stack", async () => {
    assert.deepEqual(await check(policy, iamStack()), []);
  });

  it("reports FullAccess and admin policies", async () => {
    assert.deepEqual(await check(policy, [attachment("arn:aws:iam::aws:policy/AmazonSageMakerFullAccess")]), [
      "mandatory attachment: policyArn attaches arn:aws:iam::aws:policy/AmazonSageMakerFullAccess; write a policy with the actions and resources the role needs",
    ]);
    const admin = resource("aws:iam/role:Role", "admin-role", {
      ...roleInputs,
      managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"],
    });
    assert.deepEqual(await check(policy, [admin]), [
      "mandatory admin-role: managedPolicyArns attaches arn:aws:iam::aws:policy/AdministratorAccess; write a policy with the actions and resources the role needs",
    ]);
    const allowed = { allowedPolicyArns: ["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"] };
    assert.deepEqual(
      await check(policy, [attachment("arn:aws:iam::aws:policy/AmazonSageMakerFullAccess")], allowed),
      [],
    );
  });
});
