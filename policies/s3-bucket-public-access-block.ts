// No bucket of the pipeline is meant to be public: each has a public access block with all four
// settings on, and no public canned ACL.
import type { StackValidationPolicy } from "@pulumi/policy";
import { configuring, forEachBucket, prop } from "./lib/buckets";
import { BUCKET_ACL_TYPES, BUCKET_PUBLIC_ACCESS_BLOCK_TYPES } from "./lib/resource-types";

const SETTINGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
const PUBLIC_ACLS = ["public-read", "public-read-write", "authenticated-read"];

export const s3BucketPublicAccessBlock: StackValidationPolicy = {
  name: "s3-bucket-public-access-block",
  description:
    "Every S3 bucket has a BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and " +
    "restrictPublicBuckets true, and no public canned ACL.",
  enforcementLevel: "mandatory",
  severity: "critical",
  validateStack: (args, report) => {
    forEachBucket(args, report, (bucket) => {
      const blocks = configuring(bucket, args.resources, BUCKET_PUBLIC_ACCESS_BLOCK_TYPES);
      if (blocks.length === 0) {
        report(
          `the bucket has no public access block; add an aws.s3.BucketPublicAccessBlock with ${SETTINGS.join(", ")} true`,
          bucket.urn,
        );
      }
      for (const block of blocks) {
        const off = SETTINGS.filter((setting) => prop(block, setting) !== true);
        if (off.length > 0)
          report(`the public access block leaves ${off.join(", ")} off; set them to true`, block.urn);
      }
      const acls = [bucket, ...configuring(bucket, args.resources, BUCKET_ACL_TYPES)];
      for (const source of acls) {
        const acl = prop(source, "acl");
        if (typeof acl === "string" && PUBLIC_ACLS.includes(acl)) {
          report(`the canned ACL "${acl}" makes the bucket public; use "private" or no ACL`, source.urn);
        }
      }
    });
  },
};
