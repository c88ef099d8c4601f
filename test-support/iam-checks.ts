// The project's IAM rules as a checker, for the tests of every policy the program deploys: no wildcard
// actions, no *FullAccess, `"*"` only for the listed exceptions, every other resource a named ARN whose
// wildcard (if any) is one of the justified shapes below, iam:PassRole only towards a named service.
import { WILDCARD_RESOURCE_EXCEPTIONS } from "../components/shared/iam";

export interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

export interface IdentityPolicy {
  Version: string;
  Statement: Statement[];
}

/**
 * Resource ARNs that may end in a wildcard, and why; some only with a condition key that scopes them
 * (`condition`, which the statement's StringEquals must set).
 */
export const SCOPED_WILDCARDS: readonly { pattern: RegExp; reason: string; condition?: string }[] = [
  { pattern: /^arn:aws:s3:::[a-z0-9.-]+\/[^*]+\*$/, reason: "objects under one named key prefix" },
  {
    pattern: /^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:[^:*]+:\*$/,
    reason: "a function's versions and aliases",
  },
  {
    pattern: /^arn:aws:logs:[a-z0-9-]+:\d{12}:log-group:[^*]+:log-stream:\*$/,
    reason: "the streams of one named log group",
  },
  {
    pattern: /^arn:aws:logs:[a-z0-9-]+:\d{12}:log-group:\/aws\/sagemaker\/\*(:log-stream:\*)?$/,
    reason: "SageMaker creates one log group per job type under /aws/sagemaker/",
  },
  {
    pattern: /^arn:aws:sagemaker:[a-z0-9-]+:\d{12}:(processing-job|training-job|model|endpoint-config)\/\*$/,
    reason: "job, model and endpoint-config names are unique per execution",
  },
  {
    pattern: /^arn:aws:sagemaker:[a-z0-9-]+:\d{12}:model-package\/[a-z0-9-]+\/\*$/,
    reason: "the versions of one named Model Package Group",
  },
  {
    pattern: /^arn:aws:kms:[a-z0-9-]+:\d{12}:key\/\*$/,
    reason: "a key used only through one named service (an SNS topic's key, created after the role's policy)",
    condition: "kms:ViaService",
  },
];

/** Whether a wildcard resource is one of the justified shapes, with the condition it needs, if any. */
function isScopedWildcard(resource: string, statement: Statement): boolean {
  return SCOPED_WILDCARDS.some(
    ({ pattern, condition }) =>
      pattern.test(resource) &&
      (condition === undefined || typeof statement.Condition?.StringEquals?.[condition] === "string"),
  );
}

function list(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

/** Problems of one identity policy document (empty when it follows the rules). */
export function identityPolicyFindings(document: IdentityPolicy): string[] {
  return document.Statement.flatMap((statement, index) => {
    const where = statement.Sid ?? `statement ${index}`;
    const actions = list(statement.Action);
    const resources = list(statement.Resource);
    const findings: string[] = [];
    if (statement.Effect !== "Allow") findings.push(`${where}: identity policies here only allow`);
    for (const action of actions) {
      if (action.includes("*")) findings.push(`${where}: wildcard action ${action}`);
      if (/FullAccess/i.test(action)) findings.push(`${where}: ${action}`);
    }
    for (const resource of resources) {
      if (resource === "*") {
        for (const action of actions) {
          if (!(action in WILDCARD_RESOURCE_EXCEPTIONS))
            findings.push(`${where}: ${action} on "*" is not a listed exception`);
        }
      } else if (!resource.startsWith("arn:aws:")) {
        findings.push(`${where}: ${resource} is not an ARN`);
      } else if (resource.includes("*") && !isScopedWildcard(resource, statement)) {
        findings.push(`${where}: ${resource} is not scoped to a named resource`);
      }
    }
    if (actions.includes("iam:PassRole")) {
      const passedTo = statement.Condition?.StringEquals?.["iam:PassedToService"];
      if (typeof passedTo !== "string") findings.push(`${where}: iam:PassRole without iam:PassedToService`);
      if (resources.includes("*")) findings.push(`${where}: iam:PassRole on "*"`);
    }
    return findings;
  });
}

/** Allow statements of a resource policy must name a principal other than everyone. */
export function resourcePolicyFindings(document: {
  Statement: readonly { Sid?: string; Effect: string; Action: string | string[]; Principal?: unknown }[];
}): string[] {
  return document.Statement.flatMap((statement, index) => {
    const where = statement.Sid ?? `statement ${index}`;
    if (statement.Effect !== "Allow") return [];
    const findings: string[] = [];
    if (statement.Principal === "*") findings.push(`${where}: allows everyone`);
    for (const action of list(statement.Action)) {
      if (action.includes("*")) findings.push(`${where}: wildcard action ${action}`);
    }
    return findings;
  });
}
