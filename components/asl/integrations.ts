// Service integration ARNs of Step Functions, built in one place. The integration pattern maps to its
// ARN suffix through an exhaustive record, so a new pattern cannot be forgotten.

export type IntegrationPattern = "requestResponse" | "sync";

const PATTERN_SUFFIX: Record<IntegrationPattern, string> = {
  requestResponse: "",
  sync: ".sync",
};

export type SageMakerAction =
  | "createProcessingJob"
  | "createTrainingJob"
  | "createModel"
  | "createEndpointConfig"
  | "createEndpoint"
  | "updateEndpoint";

/** SageMaker APIs that Step Functions has no optimized integration for: called through its AWS SDK integration. */
export type SageMakerSdkAction = "createModelPackage";

export function lambdaInvokeResource(): string {
  return "arn:aws:states:::lambda:invoke";
}

export function sageMakerResource(action: SageMakerAction, pattern: IntegrationPattern): string {
  return `arn:aws:states:::sagemaker:${action}${PATTERN_SUFFIX[pattern]}`;
}

/** `arn:aws:states:::aws-sdk:sagemaker:<api>`: the SDK integration (request/response, API field names). */
export function sageMakerSdkResource(action: SageMakerSdkAction): string {
  return `arn:aws:states:::aws-sdk:sagemaker:${action}`;
}

/** SNS Publish through Step Functions' optimized integration. */
export function snsPublishResource(): string {
  return "arn:aws:states:::sns:publish";
}

/** Tags in the `[{ Key, Value }]` shape the SageMaker APIs take. */
export function sageMakerTags(tags: Record<string, string>): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}
