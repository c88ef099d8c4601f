// AWS managed `*FullAccess` policies (and AdministratorAccess, PowerUserAccess) grant far more than a
// pipeline role needs, on every resource of the account.
import type { ResourceValidationPolicy, PolicyConfigSchema } from "@pulumi/policy";
import { policyConfig } from "./lib/config";
import { asArray, stringAt } from "./lib/json";
import { RESOURCE_TYPES } from "./lib/resource-types";

export interface NoFullAccessConfig {
  deniedPolicyNames: string[];
  allowedPolicyArns: string[];
}

/** Which input of which resource holds managed policy ARNs. */
const ARN_INPUTS: Record<string, { key: string; list: boolean }> = {
  [RESOURCE_TYPES.iamRolePolicyAttachment]: { key: "policyArn", list: false },
  [RESOURCE_TYPES.iamUserPolicyAttachment]: { key: "policyArn", list: false },
  [RESOURCE_TYPES.iamGroupPolicyAttachment]: { key: "policyArn", list: false },
  [RESOURCE_TYPES.iamPolicyAttachment]: { key: "policyArn", list: false },
  [RESOURCE_TYPES.iamRole]: { key: "managedPolicyArns", list: true },
  [RESOURCE_TYPES.iamRolePolicyAttachmentsExclusive]: { key: "policyArns", list: true },
};

const CONFIG_SCHEMA: PolicyConfigSchema = {
  properties: {
    deniedPolicyNames: {
      type: "array",
      items: { type: "string" },
      default: ["*FullAccess", "AdministratorAccess", "PowerUserAccess"],
      description: "Managed policy names denied; a leading * matches any prefix.",
    },
    allowedPolicyArns: {
      type: "array",
      items: { type: "string" },
      default: [],
      description: "Policy ARNs accepted anyway.",
    },
  },
};

export const iamNoFullAccessManagedPolicies: ResourceValidationPolicy = {
  name: "iam-no-full-access-managed-policies",
  description:
    "No role, user or group gets a managed policy named *FullAccess, AdministratorAccess or PowerUserAccess.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: CONFIG_SCHEMA,
  validateResource: (args, report) => {
    const input = ARN_INPUTS[args.type];
    if (input === undefined) return;
    const config = policyConfig<NoFullAccessConfig>(CONFIG_SCHEMA, args);
    const props: Record<string, unknown> = args.props;
    const arns = input.list ? asArray(props[input.key]) : [stringAt(props, input.key)];
    for (const arn of arns) {
      if (typeof arn !== "string" || config.allowedPolicyArns.includes(arn)) continue;
      const name = arn.slice(arn.lastIndexOf("/") + 1);
      const denied = config.deniedPolicyNames.some((pattern) =>
        pattern.startsWith("*") ? name.endsWith(pattern.slice(1)) : name === pattern,
      );
      if (denied) {
        report(`${input.key} attaches ${arn}; write a policy with the actions and resources the role needs`);
      }
    }
  },
};
