// The model registry and the rejection notice, as Task builders with the IAM statements they need.
// Every evaluated model becomes a version of the endpoint's Model Package Group (CreateModelPackage
// through Step Functions' AWS SDK integration: there is no optimized one), with the status the gate gives
// it: Approved on the deploy path, Rejected on the keep path, PendingManualApproval when the gate could
// not decide. A rejected model is announced on the stack's topic with the gate's sentence (sns:publish).
// Locally the same Tasks are answered by the local registry and the run's notice log (local/tasks.ts).
import type { ApprovalStatus } from "../../contracts/model-package";
import { catchAllTo, sageMakerRetry, snsRetry } from "../asl/error-handling";
import { arn, type AwsEnvironment, type PolicyStatement } from "../asl/iam";
import { sageMakerSdkResource, sageMakerTags, snsPublishResource } from "../asl/integrations";
import type { Catcher, PayloadTemplate, TaskState } from "../asl/types";

export interface RegistrationProps {
  aws: AwsEnvironment;
  /** The endpoint's Model Package Group (contracts/model-package.ts: named after the endpoint). */
  modelPackageGroupName: string;
  /** The serving image, recorded as the package's inference container. */
  imageUri: string;
  /** The training job's hyperparameters, recorded as `hp.<name>` metadata. */
  hyperparameters: Record<string, string>;
  notificationTopicArn: string;
  tags: Record<string, string>;
}

/** Where the registration's result lands in the state data. */
export const MODEL_PACKAGE_PATH = "$.modelPackage";

/** A number of the state data as the string a metadata value must be. */
const asText = (path: string) => `States.Format('{}', ${path})`;

/**
 * CustomerMetadataProperties (contracts/model-package.ts names the keys). Once the gate has decided, it
 * wrote them itself (`$.gate.registryMetadata`: the run, its snapshot, the source SQL, the
 * hyperparameters, the metrics it decided on, the champion and its decision), through the same contract
 * function as the local registry. When it could not decide, the facts without a decision are given here.
 */
function metadata(props: RegistrationProps, decided: boolean): PayloadTemplate {
  if (decided) return { "CustomerMetadataProperties.$": "$.gate.registryMetadata" };
  return {
    CustomerMetadataProperties: {
      "executionName.$": "$$.Execution.Name",
      "sqlUri.$": "$.run.InputFilePath",
      "datasetUri.$": "$.dataset.datasetUri",
      "datasetSizeBytes.$": asText("$.dataset.sizeBytes"),
      "datasetSha256.$": "$.dataset.sha256",
      ...Object.fromEntries(
        Object.entries(props.hyperparameters).map(([name, value]) => [`hp.${name}`, value]),
      ),
    },
  };
}

/** The package's description: the gate's sentence, or why the gate did not decide. */
function description(status: ApprovalStatus): string {
  return status === "PendingManualApproval"
    ? "States.Format('{}: registered after evaluation; the quality gate did not decide ({})', $$.Execution.Name, $.error.Error)"
    : "States.Format('{}: quality gate {}', $$.Execution.Name, $.gate.reason)";
}

/** The CreateModelPackage request of an evaluated model, with the status the gate's outcome gives it. */
export function registerModelParameters(props: RegistrationProps, status: ApprovalStatus): PayloadTemplate {
  return {
    ModelPackageGroupName: props.modelPackageGroupName,
    "ModelPackageDescription.$": description(status),
    InferenceSpecification: {
      Containers: [{ Image: props.imageUri, "ModelDataUrl.$": "$.train.modelArtifacts" }],
      SupportedContentTypes: ["application/json"],
      SupportedResponseMIMETypes: ["application/json"],
    },
    ModelApprovalStatus: status,
    ModelMetrics: {
      ModelQuality: {
        Statistics: { ContentType: "application/json", "S3Uri.$": "$.evaluation.evaluationUri" },
      },
    },
    ...metadata(props, status !== "PendingManualApproval"),
    Tags: sageMakerTags(props.tags),
  };
}

/**
 * Registers the evaluated model. `catchers` route a failure: to a named Fail state on the decided paths;
 * on the undecided path to the gate's own Fail state, keeping the gate's error (so ResultPath elsewhere).
 */
export function registerModelTask(
  props: RegistrationProps,
  status: ApprovalStatus,
  next: string,
  catchers: Catcher[],
): TaskState {
  return {
    Type: "Task",
    Comment: `Register the evaluated model in ${props.modelPackageGroupName} as ${status}.`,
    Resource: sageMakerSdkResource("createModelPackage"),
    Parameters: registerModelParameters(props, status),
    ResultSelector: { "arn.$": "$.ModelPackageArn" },
    ResultPath: MODEL_PACKAGE_PATH,
    TimeoutSeconds: 60,
    Retry: sageMakerRetry(),
    Catch: catchers,
    Next: next,
  };
}

/** The notice of a rejected model: the gate's sentence, the endpoint it left unchanged, the package. */
export function notifyRejectionTask(props: RegistrationProps, next: string, failState: string): TaskState {
  return {
    Type: "Task",
    Comment: "Announce the rejection on the stack's topic: ModelKept is a success, so no failure rule fires.",
    Resource: snsPublishResource(),
    Parameters: {
      TopicArn: props.notificationTopicArn,
      Subject: "visit-time pipeline: a trained model was rejected by the quality gate",
      "Message.$":
        "States.Format('Quality gate {}. Execution {} registered the model as {} (Rejected); endpoint {} keeps its model. To deploy it anyway: npm run execution -- promote {} --reason <why>.', $.gate.reason, $$.Execution.Name, $.modelPackage.arn, $.run.EndpointName, $$.Execution.Name)",
    },
    ResultSelector: { "messageId.$": "$.MessageId" },
    ResultPath: "$.notification",
    TimeoutSeconds: 60,
    Retry: snsRetry(),
    Catch: catchAllTo(failState),
    Next: next,
  };
}

/**
 * The state machine role's grants for these Tasks: packages in the stack's own group only (IAM names a
 * versioned package `model-package/<group>/<version>`, lower case), tags on them, and Publish to the
 * stack's topic only. The topic is encrypted with its own key, whose policy lets the account's roles use
 * it through SNS (components/pipeline/operations.ts). The role may use a key only through SNS, and the
 * only SNS call it may make is Publish to its topic: so only that topic's key, for its notices
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html).
 */
export function registrationStatements(
  props: Pick<RegistrationProps, "aws" | "modelPackageGroupName" | "notificationTopicArn">,
): PolicyStatement[] {
  const group = props.modelPackageGroupName.toLowerCase();
  return [
    {
      Sid: "RegisterModelsInTheStacksGroup",
      Effect: "Allow",
      Action: ["sagemaker:CreateModelPackage", "sagemaker:AddTags"],
      Resource: [arn(props.aws, "sagemaker", `model-package/${group}/*`)],
    },
    {
      Sid: "AnnounceRejectionsOnTheStacksTopic",
      Effect: "Allow",
      Action: ["sns:Publish"],
      Resource: [props.notificationTopicArn],
    },
    {
      Sid: "EncryptNoticesWithTheTopicsKey",
      Effect: "Allow",
      Action: ["kms:GenerateDataKey", "kms:Decrypt"],
      // The topic's key is created beside the topic, after the settings: named through SNS instead.
      Resource: [arn(props.aws, "kms", "key/*")],
      Condition: { StringEquals: { "kms:ViaService": `sns.${props.aws.region}.amazonaws.com` } },
    },
  ];
}
