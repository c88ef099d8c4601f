// Buckets hold the raw hits, datasets, models and captured predictions: all encrypted at rest with an
// allowed algorithm, through a BucketServerSideEncryptionConfiguration (or the deprecated inline block).
import type {
  PolicyResource,
  ReportViolation,
  StackValidationPolicy,
  PolicyConfigSchema,
} from "@pulumi/policy";
import { policyConfig } from "./lib/config";
import { configuring, forEachBucket, prop } from "./lib/buckets";
import { arrayAt, asArray, recordAt, stringAt } from "./lib/json";
import { BUCKET_ENCRYPTION_TYPES } from "./lib/resource-types";

export interface BucketEncryptionConfig {
  allowedAlgorithms: string[];
}

function algorithms(rules: unknown[]): string[] {
  return rules.map(
    (rule) => stringAt(recordAt(rule, "applyServerSideEncryptionByDefault"), "sseAlgorithm") ?? "none",
  );
}

function checkAlgorithms(
  source: PolicyResource,
  found: string[],
  config: BucketEncryptionConfig,
  report: ReportViolation,
): void {
  const bad = found.filter((algorithm) => !config.allowedAlgorithms.includes(algorithm));
  if (found.length === 0 || bad.length > 0) {
    report(
      `the encryption rule uses ${bad.join(", ") || "no algorithm"}; use one of ${config.allowedAlgorithms.join(", ")} (sseAlgorithm)`,
      source.urn,
    );
  }
}

const CONFIG_SCHEMA: PolicyConfigSchema = {
  properties: {
    allowedAlgorithms: {
      type: "array",
      items: { type: "string", enum: ["AES256", "aws:kms", "aws:kms:dsse"] },
      default: ["AES256", "aws:kms", "aws:kms:dsse"],
      description: "Allowed sseAlgorithm values.",
    },
  },
};

export const s3BucketEncryption: StackValidationPolicy = {
  name: "s3-bucket-encryption",
  description: "Every S3 bucket has default server-side encryption with an allowed algorithm.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: CONFIG_SCHEMA,
  validateStack: (args, report) => {
    const config = policyConfig<BucketEncryptionConfig>(CONFIG_SCHEMA, args);
    forEachBucket(args, report, (bucket) => {
      const inline = arrayAt(prop(bucket, "serverSideEncryptionConfiguration"), "rules");
      const configurations = configuring(bucket, args.resources, BUCKET_ENCRYPTION_TYPES);
      if (configurations.length === 0 && inline.length === 0) {
        report(
          "the bucket has no server-side encryption configuration; add an aws.s3.BucketServerSideEncryptionConfiguration for it",
          bucket.urn,
        );
        return;
      }
      if (inline.length > 0) checkAlgorithms(bucket, algorithms(inline), config, report);
      for (const configuration of configurations) {
        checkAlgorithms(configuration, algorithms(asArray(prop(configuration, "rules"))), config, report);
      }
    });
  },
};
