// iam:PassRole lets the caller hand a role to a service: the state machine passes the SageMaker
// execution role. Limited to named roles, and to the services meant to receive them.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { actionMatches, allowStatements, conditionKeys } from "./lib/iam";

export const iamPassRoleScoped: ResourceValidationPolicy = {
  name: "iam-pass-role-scoped",
  description:
    "An Allow of iam:PassRole names its roles (no wildcard Resource) and has an iam:PassedToService condition.",
  enforcementLevel: "mandatory",
  severity: "high",
  validateResource: (args, report) => {
    for (const { where, statement } of allowStatements(args.type, args.props)) {
      if (!statement.actions.some((action) => actionMatches(action, "iam:PassRole"))) continue;
      const wildcards = statement.resources.filter((resource) => resource.includes("*"));
      if (statement.resources.length === 0 || wildcards.length > 0 || statement.notResources.length > 0) {
        const given = wildcards.length > 0 ? wildcards.map((r) => `"${r}"`).join(", ") : "no named resource";
        report(`${where} ${statement.label} allows iam:PassRole on ${given}; name the role ARNs it passes`);
      }
      if (!conditionKeys(statement).some((key) => key.toLowerCase() === "iam:passedtoservice")) {
        report(
          `${where} ${statement.label} allows iam:PassRole without an iam:PassedToService condition; ` +
            'add one naming the receiving services (e.g. {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}})',
        );
      }
    }
  },
};
