// The three IAM policies share one typed compliant stack: the state machine's role with an inline
// policy, a managed policy and an attachment.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { iamNoFullAccessManagedPolicies } from "./iam-no-full-access-managed-policies";
import { iamNoWildcardActions } from "./iam-no-wildcard-actions";
import { iamPassRoleScoped } from "./iam-pass-role-scoped";
import { changed, check, resource } from "./testing";

const SAGEMAKER_ROLE = "arn:aws:iam::123456789012:role/visit-time-sagemaker";

const statesPolicy = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "InvokeHandlers",
      Effect: "Allow",
      Action: ["lambda:InvokeFunction"],
      Resource: ["arn:aws:lambda:eu-west-1:123456789012:function:start-query"],
    },
    {
      Sid: "RunJobs",
      Effect: "Allow",
      Action: ["sagemaker:CreateProcessingJob", "sagemaker:Describe*"],
      Resource: "*",
    },
    {
      Sid: "PassExecutionRole",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: SAGEMAKER_ROLE,
      Condition: { StringEquals: { "iam:PassedToService": "sagemaker.amazonaws.com" } },
    },
  ],
};

const roleInputs: Unwrap<aws.iam.RoleArgs> = {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: "sts:AssumeRole" },
    ],
  }),
  inlinePolicies: [{ name: "states", policy: JSON.stringify(statesPolicy) }],
};
const attachmentInputs: Unwrap<aws.iam.RolePolicyAttachmentArgs> = {
  role: "visit-time-states",
  policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
};

const role = (policy: unknown = statesPolicy) =>
  resource("aws:iam/role:Role", "states-role", {
    ...roleInputs,
    inlinePolicies: [{ name: "states", policy: JSON.stringify(policy) }],
  });
/** A managed policy whose document is a JSON string or an object (aws.iam.PolicyDocument, loosely typed here). */
const managedPolicy = (policy: string | object) =>
  resource("aws:iam/policy:Policy", "managed", { policy: policy as Unwrap<aws.iam.PolicyArgs>["policy"] });
const attachment = (policyArn: string) =>
  resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "attachment", {
    ...attachmentInputs,
    policyArn,
  });

describe("iam policies", () => {
  it("pass the compliant stack", async () => {
    const stack = [role(), managedPolicy(statesPolicy), attachment(attachmentInputs.policyArn)];
    for (const policy of [iamNoWildcardActions, iamNoFullAccessManagedPolicies, iamPassRoleScoped]) {
      assert.deepEqual(await check(policy, stack), [], policy.name);
    }
  });

  it("iam-no-wildcard-actions reports service wildcards and NotAction, in inline and managed policies", async () => {
    const wildcard = changed(statesPolicy, (p) => {
      p.Statement[1]!.Action = ["sagemaker:*", "s3:GetObject"];
    });
    assert.deepEqual(await check(iamNoWildcardActions, [role(wildcard)]), [
      'mandatory states-role: inline policy "states" statement "RunJobs" allows "sagemaker:*"; list the actions it needs',
    ]);
    const everything = { Version: "2012-10-17", Statement: { Effect: "Allow", Action: "*", Resource: "*" } };
    assert.deepEqual(await check(iamNoWildcardActions, [managedPolicy(everything)]), [
      'mandatory managed: policy statement #1 allows "*"; list the actions it needs',
    ]);
    const notAction = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }],
    };
    assert.deepEqual(await check(iamNoWildcardActions, [managedPolicy(JSON.stringify(notAction))]), [
      "mandatory managed: policy statement #1 allows everything but NotAction; list the actions it needs with Action",
    ]);
    assert.deepEqual(
      await check(iamNoWildcardActions, [role(wildcard)], { allowedActions: ["sagemaker:*"] }),
      [],
    );
  });

  it("iam-no-full-access-managed-policies reports FullAccess and admin policies", async () => {
    assert.deepEqual(
      await check(iamNoFullAccessManagedPolicies, [
        attachment("arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"),
      ]),
      [
        "mandatory attachment: policyArn attaches arn:aws:iam::aws:policy/AmazonSageMakerFullAccess; write a policy with the actions and resources the role needs",
      ],
    );
    const admin = resource("aws:iam/role:Role", "admin-role", {
      ...roleInputs,
      managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"],
    });
    assert.deepEqual(await check(iamNoFullAccessManagedPolicies, [admin]), [
      "mandatory admin-role: managedPolicyArns attaches arn:aws:iam::aws:policy/AdministratorAccess; write a policy with the actions and resources the role needs",
    ]);
    const allowed = { allowedPolicyArns: ["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"] };
    assert.deepEqual(
      await check(
        iamNoFullAccessManagedPolicies,
        [attachment("arn:aws:iam::aws:policy/AmazonSageMakerFullAccess")],
        allowed,
      ),
      [],
    );
  });

  it("iam-pass-role-scoped reports a wildcard role and a missing service condition", async () => {
    const wildcard = changed(statesPolicy, (p) => {
      p.Statement[2]!.Resource = "arn:aws:iam::123456789012:role/*";
    });
    assert.deepEqual(await check(iamPassRoleScoped, [role(wildcard)]), [
      'mandatory states-role: inline policy "states" statement "PassExecutionRole" allows iam:PassRole on "arn:aws:iam::123456789012:role/*"; name the role ARNs it passes',
    ]);
    const unconditioned = changed(statesPolicy, (p) => {
      delete (p.Statement[2] as { Condition?: unknown }).Condition;
    });
    assert.deepEqual(await check(iamPassRoleScoped, [role(unconditioned)]), [
      'mandatory states-role: inline policy "states" statement "PassExecutionRole" allows iam:PassRole without an iam:PassedToService condition; add one naming the receiving services (e.g. {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}})',
    ]);
    const viaWildcardAction = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "iam:Pass*", Resource: SAGEMAKER_ROLE }],
    };
    assert.deepEqual(await check(iamPassRoleScoped, [managedPolicy(viaWildcardAction)]), [
      'mandatory managed: policy statement #1 allows iam:PassRole without an iam:PassedToService condition; add one naming the receiving services (e.g. {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}})',
    ]);
  });
});
