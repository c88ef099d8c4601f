// The quality gate and the deployment: decide deploy-or-keep from the evaluation, register the model with
// the gate's verdict (./registration.ts; a rejection is also announced on the stack's topic), then create
// the model and its endpoint configuration, create the endpoint or update the existing one, and wait (in
// a loop bounded by a counter) until it is InService with the new configuration.
import {
  catchAllTo,
  ENDPOINT_IN_PROGRESS_CAUSE,
  ERROR_PATH,
  failWithStoredError,
  type NamedExhaustion,
  sageMakerCall,
} from "../asl/error-handling";
import {
  arn,
  type AwsEnvironment,
  createOnlyTagged,
  passRoleToSageMaker,
  type PolicyStatement,
  tagCondition,
} from "../asl/iam";
import { invokeStatement, lambdaTask } from "../asl/lambda-task";
import { sageMakerResource, sageMakerTags } from "../asl/integrations";
import type { ChoiceCondition, Fragment, PayloadTemplate, State, TaskState } from "../asl/types";
import { type EndpointVariant, type GateSettings, STACK_TAG_KEY, stackTagValue } from "../settings";
import {
  notifyRejectionTask,
  registerModelTask,
  registrationStatements,
  type RegistrationProps,
} from "./registration";

export interface ModelEndpointProps extends RegistrationProps {
  aws: AwsEnvironment;
  qualityGateArn: string;
  endpointStatusArn: string;
  /** Role the model runs with (passed with iam:PassRole). */
  roleArn: string;
  imageUri: string;
  /** The endpoint every execution deploys to (the definition refuses any other in the input). */
  endpointName: string;
  variant: EndpointVariant;
  dataCapture?: { samplingPercent: number; destinationS3Uri: string };
  /** Encrypts the endpoint's storage volume and captured data. @default AWS-managed keys */
  kmsKeyArn?: string;
  gate: GateSettings;
  wait: { pollIntervalSeconds: number; maxPolls: number };
  tags: Record<string, string>;
}

export const ENDPOINT_STATES = {
  gate: "QualityGate",
  registerUndecided: "RegisterUndecidedModel",
  gateFailed: "QualityGateFailed",
  decision: "DeployApproved",
  registerApproved: "RegisterApprovedModel",
  registerRejected: "RegisterRejectedModel",
  notifyRejection: "NotifyRejection",
  registrationFailed: "RegistrationFailed",
  notificationFailed: "NotificationFailed",
  kept: "ModelKept",
  createModel: "CreateModel",
  createConfig: "CreateEndpointConfig",
  check: "CheckEndpoint",
  exists: "EndpointExists",
  describeBusy: "DescribeEndpointBusy",
  create: "CreateEndpoint",
  update: "UpdateEndpoint",
  wait: "WaitForEndpoint",
  status: "EndpointStatus",
  statusUnknown: "EndpointStatusUnknown",
  count: "CountEndpointPoll",
  inService: "EndpointInService",
  describeFailure: "DescribeEndpointFailure",
  describeRollback: "DescribeEndpointRollback",
  describeUnexplainedRollback: "DescribeEndpointRollbackWithoutReason",
  describeReplaced: "DescribeEndpointReplaced",
  describeWaitLimit: "DescribeEndpointWaitLimit",
  deployed: "Deployed",
  deploymentFailed: "DeploymentFailed",
} as const;

/** The one production variant of the endpoint (CloudWatch metrics carry it as a dimension). */
export const VARIANT_NAME = "AllTraffic";
const ENDPOINT_STATUS_FIELDS = ["exists", "status", "failureReason", "endpointConfigName"] as const;

function productionVariant(variant: EndpointVariant): PayloadTemplate {
  switch (variant.kind) {
    case "serverless":
      return {
        VariantName: VARIANT_NAME,
        "ModelName.$": "$.run.ModelName",
        ServerlessConfig: { MemorySizeInMB: variant.memorySizeMb, MaxConcurrency: variant.maxConcurrency },
      };
    case "instance":
      return {
        VariantName: VARIANT_NAME,
        "ModelName.$": "$.run.ModelName",
        InstanceType: variant.instanceType,
        InitialInstanceCount: variant.initialInstanceCount,
        InitialVariantWeight: 1,
      };
    default: {
      const unknown: never = variant;
      throw new Error(`Unknown endpoint variant ${JSON.stringify(unknown)}`);
    }
  }
}

function sageMakerTask(
  action: "createModel" | "createEndpointConfig" | "createEndpoint" | "updateEndpoint",
  parameters: PayloadTemplate,
  resultSelector: PayloadTemplate,
  next: string,
): TaskState {
  return {
    Type: "Task",
    Resource: sageMakerResource(action, "requestResponse"),
    Parameters: parameters,
    ResultSelector: resultSelector,
    ResultPath: `$.deployment.${action}`,
    TimeoutSeconds: 120,
    Next: next,
  };
}

/**
 * UpdateEndpoint while another update (another execution's) is in progress: SageMaker refuses it; it is
 * tried again after a back-off that doubles from the endpoint's poll interval up to 5 minutes, and when
 * the other deployment still holds the endpoint, the run fails as EndpointUpdateInProgress, saying so.
 */
function endpointBusy(props: ModelEndpointProps): NamedExhaustion {
  const interval = props.wait.pollIntervalSeconds;
  const delaysSeconds = [0, 1, 2, 3, 4, 5].map((n) => Math.min(interval * 2 ** n, Math.max(interval, 300)));
  return {
    retry: { causes: [ENDPOINT_IN_PROGRESS_CAUSE], delaysSeconds },
    describeState: ENDPOINT_STATES.describeBusy,
    error: "EndpointUpdateInProgress",
    cause:
      "States.Format('Endpoint {} is being updated by another deployment: UpdateEndpoint was still refused after {} retries over {} s; this run changed nothing. ({})', $.run.EndpointName, $.retries.UpdateEndpoint.attempts, " +
      `${delaysSeconds.reduce((sum, delay) => sum + delay, 0)}, $.error.Cause)`,
  };
}

/** The endpoint-status handler's view of the execution's endpoint, at `resultPath`. */
function endpointStatusTask(
  props: ModelEndpointProps,
  task: { resultPath: string; next: string; onError: string; comment: string },
): TaskState {
  return lambdaTask({
    comment: task.comment,
    functionArn: props.endpointStatusArn,
    payload: { "endpointName.$": "$.run.EndpointName" },
    resultFields: ENDPOINT_STATUS_FIELDS,
    resultPath: task.resultPath,
    next: task.next,
    failState: task.onError,
  });
}

function dataCaptureConfig(props: ModelEndpointProps): PayloadTemplate {
  return props.dataCapture
    ? {
        DataCaptureConfig: {
          EnableCapture: true,
          InitialSamplingPercentage: props.dataCapture.samplingPercent,
          DestinationS3Uri: props.dataCapture.destinationS3Uri,
          CaptureOptions: [{ CaptureMode: "Input" }, { CaptureMode: "Output" }],
          ...(props.kmsKeyArn ? { KmsKeyId: props.kmsKeyArn } : {}),
        },
      }
    : {};
}

/**
 * QualityGate decides deploy-or-keep from the evaluation; the model is registered with its verdict
 * (Approved before the deployment, Rejected and announced before ModelKept, PendingManualApproval when the
 * gate failed, which still ends the run in QualityGateFailed with the gate's error).
 */
function gateStates(props: ModelEndpointProps): Record<string, State> {
  const s = ENDPOINT_STATES;
  return {
    [s.gate]: lambdaTask({
      comment:
        "Deploy only a model within the maximum MAE, better than the best baseline by the margin and not worse than the champion, all on the same test split.",
      functionArn: props.qualityGateArn,
      payload: {
        "evaluationUri.$": "$.evaluation.evaluationUri",
        "endpointName.$": "$.run.EndpointName",
        maxMae: props.gate.maxMae,
        minImprovementOverBaseline: props.gate.minImprovementOverBaseline,
        maxRegressionHours: props.gate.maxRegressionHours,
        "force.$": "$.run.ForceDeploy",
        registry: {
          "sqlUri.$": "$.run.InputFilePath",
          dataset: {
            "datasetUri.$": "$.dataset.datasetUri",
            "sizeBytes.$": "$.dataset.sizeBytes",
            "sha256.$": "$.dataset.sha256",
          },
          hyperparameters: props.hyperparameters,
        },
      },
      resultFields: [
        "deploy",
        "forced",
        "reason",
        "candidate",
        "bestBaseline",
        "champion",
        "nTest",
        "registryMetadata",
      ],
      resultPath: "$.gate",
      next: s.decision,
      failState: s.registerUndecided,
    }),
    // A registry failure here must not hide the gate's error: it is kept at $.registrationError.
    [s.registerUndecided]: registerModelTask(props, "PendingManualApproval", s.gateFailed, [
      { ErrorEquals: ["States.ALL"], ResultPath: "$.registrationError", Next: s.gateFailed },
    ]),
    [s.gateFailed]: failWithStoredError("The quality gate could not decide."),
    [s.decision]: {
      Type: "Choice",
      Choices: [{ Variable: "$.gate.deploy", BooleanEquals: true, Next: s.registerApproved }],
      Default: s.registerRejected,
    },
    [s.registerApproved]: registerModelTask(
      props,
      "Approved",
      s.createModel,
      catchAllTo(s.registrationFailed),
    ),
    [s.registerRejected]: registerModelTask(
      props,
      "Rejected",
      s.notifyRejection,
      catchAllTo(s.registrationFailed),
    ),
    [s.notifyRejection]: notifyRejectionTask(props, s.kept, s.notificationFailed),
    [s.registrationFailed]: failWithStoredError(
      "The model could not be registered in the stack's Model Package Group; nothing was deployed.",
    ),
    [s.notificationFailed]: failWithStoredError(
      "The model was rejected and registered, but the notice could not be published; the endpoint keeps its model.",
    ),
    [s.kept]: {
      Type: "Succeed",
      Comment: "Model kept, endpoint unchanged: $.gate.reason says why.",
    },
  };
}

/** Where CheckEndpoint keeps the endpoint as it was before this run deployed: a rollback returns to it. */
const ENDPOINT_BEFORE = "$.endpointBefore";

/** The model, its endpoint configuration, and the endpoint created or updated with it. */
function deployStates(props: ModelEndpointProps): Record<string, State> {
  const s = ENDPOINT_STATES;
  return {
    ...sageMakerCall(
      s.createModel,
      sageMakerTask(
        "createModel",
        {
          "ModelName.$": "$.run.ModelName",
          ExecutionRoleArn: props.roleArn,
          PrimaryContainer: {
            Image: props.imageUri,
            "ModelDataUrl.$": "$.train.modelArtifacts",
            // The quality gate of later runs finds the served model's evaluation through these.
            Environment: {
              "EVALUATION_URI.$": "$.evaluation.evaluationUri",
              "MODEL_VERSION.$": "$$.Execution.Name",
            },
          },
          Tags: sageMakerTags(props.tags),
        },
        { "modelArn.$": "$.ModelArn" },
        s.createConfig,
      ),
      s.deploymentFailed,
    ),
    ...sageMakerCall(
      s.createConfig,
      sageMakerTask(
        "createEndpointConfig",
        {
          "EndpointConfigName.$": "$.run.EndpointConfigName",
          ProductionVariants: [productionVariant(props.variant)],
          ...dataCaptureConfig(props),
          ...(props.kmsKeyArn && props.variant.kind === "instance" ? { KmsKeyId: props.kmsKeyArn } : {}),
          Tags: sageMakerTags(props.tags),
        },
        { "endpointConfigArn.$": "$.EndpointConfigArn" },
        s.check,
      ),
      s.deploymentFailed,
    ),
    [s.check]: endpointStatusTask(props, {
      comment:
        "Create the endpoint, or update it if it exists; what it serves now is kept to tell a rollback.",
      resultPath: ENDPOINT_BEFORE,
      next: s.exists,
      onError: s.deploymentFailed,
    }),
    [s.exists]: {
      Type: "Choice",
      Choices: [{ Variable: `${ENDPOINT_BEFORE}.exists`, BooleanEquals: true, Next: s.update }],
      Default: s.create,
    },
    ...sageMakerCall(
      s.create,
      sageMakerTask(
        "createEndpoint",
        {
          "EndpointName.$": "$.run.EndpointName",
          "EndpointConfigName.$": "$.run.EndpointConfigName",
          Tags: sageMakerTags(props.tags),
        },
        { "endpointArn.$": "$.EndpointArn" },
        s.wait,
      ),
      s.deploymentFailed,
    ),
    ...sageMakerCall(
      s.update,
      sageMakerTask(
        "updateEndpoint",
        { "EndpointName.$": "$.run.EndpointName", "EndpointConfigName.$": "$.run.EndpointConfigName" },
        { "endpointArn.$": "$.EndpointArn" },
        s.wait,
      ),
      s.deploymentFailed,
      endpointBusy(props),
    ),
  };
}

/** A Pass that names the deployment's error and its cause (an intrinsic over the state data). */
function describe(error: string, cause: string): State {
  return {
    Type: "Pass",
    Parameters: { Error: error, "Cause.$": cause },
    ResultPath: ERROR_PATH,
    Next: ENDPOINT_STATES.deploymentFailed,
  };
}

/**
 * Once CreateEndpoint or UpdateEndpoint was accepted, SageMaker carries the change out whatever the
 * execution does next, so the run waits, in a loop bounded by endpoint.wait.maxPolls, until the endpoint
 * settles and reports what it then serves: this execution's configuration (Deployed), the one it served
 * before (a rollback, with SageMaker's reason), another deployment's (replaced), or Failed. A status check
 * that fails does not end the wait: it counts as a poll whose status is Unknown.
 */
function waitLoopStates(props: ModelEndpointProps): Record<string, State> {
  const s = ENDPOINT_STATES;
  const inService: ChoiceCondition = { Variable: "$.endpoint.status", StringEquals: "InService" };
  const servesBefore: ChoiceCondition = {
    Variable: "$.endpoint.endpointConfigName",
    StringEqualsPath: `${ENDPOINT_BEFORE}.endpointConfigName`,
  };
  return {
    [s.wait]: { Type: "Wait", Seconds: props.wait.pollIntervalSeconds, Next: s.status },
    [s.status]: endpointStatusTask(props, {
      comment: "DescribeEndpoint through the endpoint-status handler.",
      resultPath: "$.endpoint",
      next: s.count,
      onError: s.statusUnknown,
    }),
    [s.statusUnknown]: {
      Type: "Pass",
      Comment: "The check failed, not the deployment: SageMaker goes on, so the wait goes on (and counts).",
      Parameters: {
        exists: true,
        status: "Unknown",
        "failureReason.$": `${ERROR_PATH}.Cause`,
        endpointConfigName: "",
      },
      ResultPath: "$.endpoint",
      Next: s.count,
    },
    [s.count]: {
      Type: "Pass",
      Comment: "Count status checks: the wait loop is bounded by endpoint.wait.maxPolls.",
      Parameters: {
        "queryPolls.$": "$.counters.queryPolls",
        "endpointPolls.$": "States.MathAdd($.counters.endpointPolls, 1)",
      },
      ResultPath: "$.counters",
      Next: s.inService,
    },
    [s.inService]: {
      Type: "Choice",
      Choices: [
        {
          And: [
            inService,
            { Variable: "$.endpoint.endpointConfigName", StringEqualsPath: "$.run.EndpointConfigName" },
          ],
          Next: s.deployed,
        },
        // An update that fails rolls back: InService again, with the configuration it had before.
        {
          And: [inService, servesBefore, { Not: { Variable: "$.endpoint.failureReason", StringEquals: "" } }],
          Next: s.describeRollback,
        },
        { And: [inService, servesBefore], Next: s.describeUnexplainedRollback },
        // Neither this run's configuration nor the one before: another deployment came after this one.
        { ...inService, Next: s.describeReplaced },
        { Variable: "$.endpoint.status", StringEquals: "Failed", Next: s.describeFailure },
        {
          Variable: "$.counters.endpointPolls",
          NumericGreaterThanEquals: props.wait.maxPolls,
          Next: s.describeWaitLimit,
        },
      ],
      Default: s.wait,
    },
    [s.describeFailure]: describe(
      "EndpointFailed",
      "States.Format('Endpoint {} failed: {}', $.run.EndpointName, $.endpoint.failureReason)",
    ),
    [s.describeRollback]: describe(
      "EndpointUpdateRolledBack",
      "States.Format('Endpoint {} is InService with {} instead of {}: the update was rolled back ({})', $.run.EndpointName, $.endpoint.endpointConfigName, $.run.EndpointConfigName, $.endpoint.failureReason)",
    ),
    [s.describeUnexplainedRollback]: describe(
      "EndpointUpdateRolledBack",
      "States.Format('Endpoint {} is InService with {} instead of {}: the update was rolled back (SageMaker gave no FailureReason)', $.run.EndpointName, $.endpoint.endpointConfigName, $.run.EndpointConfigName)",
    ),
    [s.describeReplaced]: describe(
      "EndpointReplaced",
      "States.Format('Endpoint {} is InService with {}, neither {} of this run nor {} that it served before: another deployment replaced it (nothing was rolled back)', $.run.EndpointName, $.endpoint.endpointConfigName, $.run.EndpointConfigName, $.endpointBefore.endpointConfigName)",
    ),
    [s.describeWaitLimit]: describe(
      "EndpointWaitLimitReached",
      "States.Format('Endpoint {} was still {} after {} status checks: SageMaker goes on with the accepted change to {}, and the endpoint serves the model of this run if it completes (raise endpoint.wait.maxPolls to wait longer)', $.run.EndpointName, $.endpoint.status, $.counters.endpointPolls, $.run.EndpointConfigName)",
    ),
    [s.deployed]: { Type: "Succeed", Comment: "The endpoint serves the new model." },
    [s.deploymentFailed]: failWithStoredError(
      "The model was not deployed; the cause says what the endpoint serves (before CreateEndpoint or UpdateEndpoint was accepted: what it served before).",
    ),
  };
}

export function buildModelEndpointFragment(props: ModelEndpointProps): Fragment {
  return {
    startAt: ENDPOINT_STATES.gate,
    states: { ...gateStates(props), ...deployStates(props), ...waitLoopStates(props) },
  };
}

/**
 * The state machine role's permissions for the gate and the deployment. Model and endpoint-config names
 * are per execution, so those resources are every model / endpoint config of the account, narrowed by the
 * stack's tag (created only with it; read back and deployed only when they carry it); the endpoint itself
 * is named: the stack's own, the only one the execution input may name (CheckExecutionInput).
 */
export function modelEndpointStatements(
  props: Pick<
    ModelEndpointProps,
    | "aws"
    | "qualityGateArn"
    | "endpointStatusArn"
    | "roleArn"
    | "endpointName"
    | "tags"
    | "modelPackageGroupName"
    | "notificationTopicArn"
  >,
): PolicyStatement[] {
  const endpointArn = arn(props.aws, "sagemaker", `endpoint/${props.endpointName.toLowerCase()}`);
  const endpointConfigs = arn(props.aws, "sagemaker", "endpoint-config/*");
  const stack = stackTagValue(props.tags);
  const modelsAndConfigs = [arn(props.aws, "sagemaker", "model/*"), endpointConfigs];
  return [
    invokeStatement("InvokeDeploymentFunctions", [props.qualityGateArn, props.endpointStatusArn]),
    ...createOnlyTagged(
      {
        create: "CreateModelsAndEndpointConfigsTaggedWithTheStack",
        tag: "TagTheModelsAndEndpointConfigsItCreates",
      },
      ["sagemaker:CreateModel", "sagemaker:CreateEndpointConfig"],
      modelsAndConfigs,
      STACK_TAG_KEY,
      stack,
    ),
    {
      Sid: "ReadTheTagsOfTheStacksModelsAndEndpointConfigs",
      Effect: "Allow",
      // ListTags: Step Functions reads back the tags of what a tagged request created
      // (https://docs.aws.amazon.com/step-functions/latest/dg/sagemaker-iam.html).
      Action: ["sagemaker:ListTags"],
      Resource: modelsAndConfigs,
      Condition: tagCondition("aws:ResourceTag", STACK_TAG_KEY, stack),
    },
    {
      Sid: "CreateOrUpdateTheEndpoint",
      Effect: "Allow",
      Action: [
        "sagemaker:CreateEndpoint",
        "sagemaker:UpdateEndpoint",
        "sagemaker:AddTags",
        "sagemaker:ListTags",
      ],
      Resource: [endpointArn],
    },
    {
      Sid: "DeployTheStacksEndpointConfigs",
      Effect: "Allow",
      Action: ["sagemaker:CreateEndpoint", "sagemaker:UpdateEndpoint"],
      Resource: [endpointConfigs],
      Condition: tagCondition("aws:ResourceTag", STACK_TAG_KEY, stack),
    },
    passRoleToSageMaker("PassSageMakerRoleToModels", props.roleArn),
    ...registrationStatements(props),
  ];
}
