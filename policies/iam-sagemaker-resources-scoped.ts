// SageMaker names jobs, models and endpoint configurations freely within an account, so a role that may
// create, stop, update, delete or tag them on `<type>/*` can touch every other pipeline's resources too.
// Such a grant must be narrowed to the stack's own: a name prefix in the resource (`model/visit-time-dev-*`)
// or a tag condition (`aws:RequestTag/<key>` on creation, `aws:ResourceTag/<key>` on what exists).
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { actionMatches, allowStatements, conditionKeys } from "./lib/iam";

/** The SageMaker calls that create or change a named resource (what `sagemaker:*` and `Create*` cover). */
export const SAGEMAKER_CHANGING_ACTIONS = [
  "sagemaker:CreateProcessingJob",
  "sagemaker:CreateTrainingJob",
  "sagemaker:CreateTransformJob",
  "sagemaker:CreateModel",
  "sagemaker:CreateEndpointConfig",
  "sagemaker:CreateEndpoint",
  "sagemaker:CreateModelPackage",
  "sagemaker:UpdateEndpoint",
  "sagemaker:StopProcessingJob",
  "sagemaker:StopTrainingJob",
  "sagemaker:DeleteModel",
  "sagemaker:DeleteEndpointConfig",
  "sagemaker:DeleteEndpoint",
  "sagemaker:AddTags",
  "sagemaker:DeleteTags",
] as const;

const TAG_CONDITION_KEY = /^(aws:RequestTag|aws:ResourceTag|sagemaker:ResourceTag)\//i;

/** `*`, or a SageMaker ARN whose resource is every name of a type (`training-job/*`, `*`). */
export function namesEveryResource(resource: string): boolean {
  if (resource === "*") return true;
  const match = /^arn:[^:]*:sagemaker:[^:]*:[^:]*:(.*)$/.exec(resource);
  if (!match) return false;
  const path = match[1] ?? "";
  const slash = path.indexOf("/");
  return path === "*" || path.startsWith("*") || (slash >= 0 && path.slice(slash + 1).startsWith("*"));
}

export const iamSagemakerResourcesScoped: ResourceValidationPolicy = {
  name: "iam-sagemaker-resources-scoped",
  description:
    "An Allow that creates, changes or tags SageMaker resources of every name (`*`, `<type>/*`) has a tag " +
    "condition (aws:RequestTag / aws:ResourceTag), or names a prefix instead.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: (args, report) => {
    for (const { where, statement } of allowStatements(args.type, args.props)) {
      const actions = SAGEMAKER_CHANGING_ACTIONS.filter((action) =>
        statement.actions.some((pattern) => actionMatches(pattern, action)),
      );
      if (actions.length === 0) continue;
      const everything = statement.resources.filter(namesEveryResource);
      if (everything.length === 0 && statement.notResources.length === 0) continue;
      if (conditionKeys(statement).some((key) => TAG_CONDITION_KEY.test(key))) continue;
      const on =
        everything.length > 0 ? everything.map((resource) => `"${resource}"`).join(", ") : "a NotResource";
      report(
        `${where} ${statement.label} allows ${actions.join(", ")} on ${on}, every name of the account, ` +
          "without a tag condition; scope it to the stack's own resources: a name prefix " +
          '(e.g. "arn:aws:sagemaker:<region>:<account>:model/visit-time-dev-*") or a condition on ' +
          "aws:RequestTag/<key> (creation) or aws:ResourceTag/<key> (existing resources)",
      );
    }
  },
};
