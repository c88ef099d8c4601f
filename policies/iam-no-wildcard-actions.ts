// Least privilege: an Allow names the actions it needs. `*`, `service:*` and Allow+NotAction grant
// whole services (or everything) and hide what the pipeline really uses.
import type { ResourceValidationPolicy, PolicyConfigSchema } from "@pulumi/policy";
import { policyConfig } from "./lib/config";
import { allowStatements } from "./lib/iam";

export interface NoWildcardActionsConfig {
  /** Exact action strings that are accepted anyway (e.g. `"logs:*"` if a team decides so). */
  allowedActions: string[];
}

/** `*` or `service:*`: a wildcard over a whole service. Prefix patterns such as `s3:Get*` are accepted. */
const isServiceWildcard = (action: string): boolean => action === "*" || /^[a-z0-9-]+:\*$/i.test(action);

const CONFIG_SCHEMA: PolicyConfigSchema = {
  properties: {
    allowedActions: {
      type: "array",
      items: { type: "string" },
      default: [],
      description: "Wildcard actions accepted anyway, written exactly as in the policy.",
    },
  },
};

export const iamNoWildcardActions: ResourceValidationPolicy = {
  name: "iam-no-wildcard-actions",
  description:
    'IAM permission policies (policies, role/user/group policies, role inline policies) do not Allow "*" or "service:*" ' +
    "actions, nor Allow with NotAction.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: CONFIG_SCHEMA,
  validateResource: (args, report) => {
    const { allowedActions } = policyConfig<NoWildcardActionsConfig>(CONFIG_SCHEMA, args);
    for (const { where, statement } of allowStatements(args.type, args.props)) {
      const wildcards = statement.actions.filter(
        (action) => isServiceWildcard(action) && !allowedActions.includes(action),
      );
      if (wildcards.length > 0) {
        report(
          `${where} ${statement.label} allows ${wildcards.map((a) => `"${a}"`).join(", ")}; list the actions it needs`,
        );
      }
      if (statement.notActions.length > 0) {
        report(
          `${where} ${statement.label} allows everything but NotAction; list the actions it needs with Action`,
        );
      }
    }
  },
};
