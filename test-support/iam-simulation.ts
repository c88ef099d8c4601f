// Evaluates identity policies the way IAM does, with an IAM engine (@cloud-copilot/iam-simulate), not
// with hand-written matching: conditions, wildcards, resource types. Tests only: the engine is
// AGPL-3.0 and a devDependency, so nothing that ships (the program, handlers, training, local) imports
// this file (guarded by test-support/shipped-imports.test.ts).
import { runSimulation } from "@cloud-copilot/iam-simulate";
import type { PolicyStatement } from "../components/asl/iam";

/** One AWS request: the action, the resource it acts on and the condition keys it carries. */
export interface SimulatedRequest {
  action: string;
  resource: string;
  /** Condition keys the request carries (e.g. `s3:prefix` for ListBucket, `iam:PassedToService`). */
  context?: Record<string, string | string[]>;
}

export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

/**
 * A KMS key's default key policy: it delegates the key's use to IAM in its account, which is what the
 * stacks require of the configured key (docs/deploy.md). KMS allows a call only if the key policy does.
 */
function defaultKeyPolicy(keyArn: string) {
  const account = keyArn.split(":")[4] ?? "";
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "Enable IAM User Permissions",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${account}:root` },
        Action: "kms:*",
        Resource: "*",
      },
    ],
  };
}

/** The account that owns a resource ARN (S3 ARNs carry none: the caller's own buckets). */
function resourceAccount(resource: string, callerAccount: string): string {
  if (resource === "*") return callerAccount;
  const account = resource.split(":")[4];
  return account && /^\d{12}$/.test(account) ? account : callerAccount;
}

/**
 * IAM's decision for a request made by `principalArn` with these statements as its only policy. Throws
 * when the engine refuses the request itself (an action that does not exist, a resource of the wrong
 * type for the action, a condition key the action cannot carry): such a row would prove nothing.
 */
export async function decide(
  principalArn: string,
  statements: readonly PolicyStatement[] | readonly Record<string, unknown>[],
  request: SimulatedRequest,
): Promise<Decision> {
  const callerAccount = principalArn.split(":")[4] ?? "";
  const response = await runSimulation(
    {
      identityPolicies: [{ name: "inline", policy: { Version: "2012-10-17", Statement: [...statements] } }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(request.resource.startsWith("arn:aws:kms:")
        ? { resourcePolicy: defaultKeyPolicy(request.resource) }
        : {}),
      request: {
        action: request.action,
        principal: principalArn,
        resource: { accountId: resourceAccount(request.resource, callerAccount), resource: request.resource },
        contextVariables: request.context ?? {},
      },
    },
    {},
  );
  if (response.resultType === "error") {
    throw new Error(
      `The IAM engine refused ${request.action} on ${request.resource}: ${JSON.stringify(response.errors)}`,
    );
  }
  return response.overallResult as Decision;
}
