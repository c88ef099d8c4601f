// Every policy of the pack, in report order. Importing this module has no side effects: tests and
// the offline checker use it; only index.ts turns it into a running PolicyPack.
import type { AnyPolicy } from "./check/evaluate";
import { athenaWorkgroupEncryption } from "./athena-workgroup-encryption";
import { iamNoFullAccessManagedPolicies } from "./iam-no-full-access-managed-policies";
import { iamNoWildcardActions } from "./iam-no-wildcard-actions";
import { iamPassRoleScoped } from "./iam-pass-role-scoped";
import { iamSagemakerResourcesScoped } from "./iam-sagemaker-resources-scoped";
import { lambdaAllowedRuntimes } from "./lambda-allowed-runtimes";
import { lambdaTimeouts } from "./lambda-timeouts";
import { s3BucketEncryption } from "./s3-bucket-encryption";
import { s3BucketPublicAccessBlock } from "./s3-bucket-public-access-block";
import { s3BucketTlsOnly } from "./s3-bucket-tls-only";
import { sagemakerAllowedInstanceTypes } from "./sagemaker-allowed-instance-types";
import { sagemakerEndpointDataCapture } from "./sagemaker-endpoint-data-capture";
import { sagemakerModelRegistry } from "./sagemaker-model-registry";
import { sagemakerVolumeEncryption } from "./sagemaker-volume-encryption";
import { sfnBoundedLoops } from "./sfn-bounded-loops";
import { sfnCatchOnEveryTask } from "./sfn-catch-on-every-task";
import { sfnLoggingEnabled } from "./sfn-logging-enabled";
import { sfnRetryTransientErrors } from "./sfn-retry-transient-errors";

export {
  athenaWorkgroupEncryption,
  iamNoFullAccessManagedPolicies,
  iamNoWildcardActions,
  iamPassRoleScoped,
  iamSagemakerResourcesScoped,
  lambdaAllowedRuntimes,
  lambdaTimeouts,
  s3BucketEncryption,
  s3BucketPublicAccessBlock,
  s3BucketTlsOnly,
  sagemakerAllowedInstanceTypes,
  sagemakerEndpointDataCapture,
  sagemakerModelRegistry,
  sagemakerVolumeEncryption,
  sfnBoundedLoops,
  sfnCatchOnEveryTask,
  sfnLoggingEnabled,
  sfnRetryTransientErrors,
};

export const allPolicies: AnyPolicy[] = [
  sagemakerAllowedInstanceTypes,
  sagemakerVolumeEncryption,
  sagemakerEndpointDataCapture,
  sagemakerModelRegistry,
  sfnCatchOnEveryTask,
  sfnRetryTransientErrors,
  sfnBoundedLoops,
  sfnLoggingEnabled,
  s3BucketEncryption,
  s3BucketPublicAccessBlock,
  s3BucketTlsOnly,
  iamNoWildcardActions,
  iamNoFullAccessManagedPolicies,
  iamPassRoleScoped,
  iamSagemakerResourcesScoped,
  lambdaAllowedRuntimes,
  lambdaTimeouts,
  athenaWorkgroupEncryption,
];
