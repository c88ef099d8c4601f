// Data in transit must use TLS: each bucket's policy denies every request made without it.
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { configuring, forEachBucket, prop } from "./lib/buckets";
import { actionMatches, parseDocument, type Statement } from "./lib/iam";
import { isRecord, stringList } from "./lib/json";
import { BUCKET_POLICY_TYPES } from "./lib/resource-types";

/** `"*"`, `{"AWS": "*"}` or `{"AWS": ["*"]}`: every caller. */
const anyone = (principal: unknown): boolean =>
  principal === "*" || (isRecord(principal) && stringList(principal["AWS"]).includes("*"));

/** `{"Bool": {"aws:SecureTransport": "false"}}` (a string or a boolean). */
function deniesInsecureTransport(statement: Statement): boolean {
  const bool = statement.condition["Bool"];
  const value = isRecord(bool) ? bool["aws:SecureTransport"] : undefined;
  return (
    statement.effect === "Deny" &&
    anyone(statement.principal) &&
    statement.actions.some(
      (action) => actionMatches(action, "s3:GetObject") && actionMatches(action, "s3:PutObject"),
    ) &&
    (value === false || value === "false")
  );
}

function policyDocuments(bucket: PolicyResource, resources: readonly PolicyResource[]): unknown[] {
  const policies = configuring(bucket, resources, BUCKET_POLICY_TYPES).map((policy) =>
    prop(policy, "policy"),
  );
  return [prop(bucket, "policy"), ...policies].filter((document) => document !== undefined);
}

export const s3BucketTlsOnly: StackValidationPolicy = {
  name: "s3-bucket-tls-only",
  description:
    'Every S3 bucket\'s policy denies requests made without TLS (Bool "aws:SecureTransport": "false").',
  enforcementLevel: "mandatory",
  severity: "high",
  validateStack: (args, report) => {
    forEachBucket(args, report, (bucket) => {
      const statements = policyDocuments(bucket, args.resources).flatMap(
        (document) => parseDocument(document) ?? [],
      );
      if (!statements.some(deniesInsecureTransport)) {
        report(
          'the bucket\'s policy does not deny requests without TLS; add an aws.s3.BucketPolicy statement {Effect: "Deny", ' +
            'Principal: "*", Action: "s3:*", Resource: [bucket, bucket/*], Condition: {Bool: {"aws:SecureTransport": "false"}}}',
          bucket.urn,
        );
      }
    });
  },
};
