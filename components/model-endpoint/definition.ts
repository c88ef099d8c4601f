// The quality gate and the deployment: decide deploy-or-keep from the evaluation, then create the model
// and its endpoint configuration, create the endpoint or update the existing one, and wait (in a loop
// bounded by a counter) until it is InService with the new configuration.
import { catchAllTo, ERROR_PATH, failWithStoredError, sageMakerRetry } from "../asl/error-handling";
import { arn, type AwsEnvironment, passRoleToSageMaker, type PolicyStatement } from "../asl/iam";
import { invokeStatement, lambdaTask } from "../asl/lambda-task";
import { sageMakerResource, sageMakerTags } from "../asl/integrations";
import type { Fragment, PayloadTemplate, State, TaskState } from "../asl/types";
import type { EndpointVariant, GateSettings } from "../settings";

export interface ModelEndpointProps {
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
  gateFailed: "QualityGateFailed",
  decision: "DeployApproved",
  kept: "ModelKept",
  createModel: "CreateModel",
  createConfig: "CreateEndpointConfig",
  check: "CheckEndpoint",
  exists: "EndpointExists",
  create: "CreateEndpoint",
  update: "UpdateEndpoint",
  wait: "WaitForEndpoint",
  status: "EndpointStatus",
  count: "CountEndpointPoll",
  inService: "EndpointInService",
  describeFailure: "DescribeEndpointFailure",
  describeRollback: "DescribeEndpointRollback",
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
    Retry: sageMakerRetry(),
    Catch: catchAllTo(ENDPOINT_STATES.deploymentFailed),
    Next: next,
  };
}

/** The endpoint-status handler's view of the execution's endpoint, at `$.endpoint`. */
function endpointStatusTask(props: ModelEndpointProps, next: string, comment: string): TaskState {
  return lambdaTask({
    comment,
    functionArn: props.endpointStatusArn,
    payload: { "endpointName.$": "$.run.EndpointName" },
    resultFields: ENDPOINT_STATUS_FIELDS,
    resultPath: "$.endpoint",
    next,
    failState: ENDPOINT_STATES.deploymentFailed,
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

/** QualityGate decides deploy-or-keep from the evaluation; a rejected model ends in ModelKept. */
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
      },
      resultFields: ["deploy", "forced", "reason", "candidate", "bestBaseline", "champion", "nTest"],
      resultPath: "$.gate",
      next: s.decision,
      failState: s.gateFailed,
    }),
    [s.gateFailed]: failWithStoredError("The quality gate could not decide."),
    [s.decision]: {
      Type: "Choice",
      Choices: [{ Variable: "$.gate.deploy", BooleanEquals: true, Next: s.createModel }],
      Default: s.kept,
    },
    [s.kept]: {
      Type: "Succeed",
      Comment: "Model kept, endpoint unchanged: $.gate.reason says why.",
    },
  };
}

/** The model, its endpoint configuration, and the endpoint created or updated with it. */
function deployStates(props: ModelEndpointProps): Record<string, State> {
  const s = ENDPOINT_STATES;
  return {
    [s.createModel]: sageMakerTask(
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
    [s.createConfig]: sageMakerTask(
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
    [s.check]: endpointStatusTask(props, s.exists, "Create the endpoint, or update it if it exists."),
    [s.exists]: {
      Type: "Choice",
      Choices: [{ Variable: "$.endpoint.exists", BooleanEquals: true, Next: s.update }],
      Default: s.create,
    },
    [s.create]: sageMakerTask(
      "createEndpoint",
      {
        "EndpointName.$": "$.run.EndpointName",
        "EndpointConfigName.$": "$.run.EndpointConfigName",
        Tags: sageMakerTags(props.tags),
      },
      { "endpointArn.$": "$.EndpointArn" },
      s.wait,
    ),
    [s.update]: sageMakerTask(
      "updateEndpoint",
      { "EndpointName.$": "$.run.EndpointName", "EndpointConfigName.$": "$.run.EndpointConfigName" },
      { "endpointArn.$": "$.EndpointArn" },
      s.wait,
    ),
  };
}

/**
 * Waits, in a loop bounded by endpoint.wait.maxPolls, until the endpoint is InService with this
 * execution's configuration; a failed or rolled-back update ends in DeploymentFailed with its cause.
 */
function waitLoopStates(props: ModelEndpointProps): Record<string, State> {
  const s = ENDPOINT_STATES;
  return {
    [s.wait]: { Type: "Wait", Seconds: props.wait.pollIntervalSeconds, Next: s.status },
    [s.status]: endpointStatusTask(props, s.count, "DescribeEndpoint through the endpoint-status handler."),
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
            { Variable: "$.endpoint.status", StringEquals: "InService" },
            { Variable: "$.endpoint.endpointConfigName", StringEqualsPath: "$.run.EndpointConfigName" },
          ],
          Next: s.deployed,
        },
        // An update that fails rolls back: InService again, but with the previous configuration.
        { Variable: "$.endpoint.status", StringEquals: "InService", Next: s.describeRollback },
        { Variable: "$.endpoint.status", StringEquals: "Failed", Next: s.describeFailure },
        {
          Variable: "$.counters.endpointPolls",
          NumericGreaterThanEquals: props.wait.maxPolls,
          Next: s.describeWaitLimit,
        },
      ],
      Default: s.wait,
    },
    [s.describeFailure]: {
      Type: "Pass",
      Parameters: {
        Error: "EndpointFailed",
        "Cause.$": "States.Format('Endpoint {} failed: {}', $.run.EndpointName, $.endpoint.failureReason)",
      },
      ResultPath: ERROR_PATH,
      Next: s.deploymentFailed,
    },
    [s.describeRollback]: {
      Type: "Pass",
      Parameters: {
        Error: "EndpointUpdateRolledBack",
        "Cause.$":
          "States.Format('Endpoint {} is InService with {} instead of {}: the update was rolled back ({})', $.run.EndpointName, $.endpoint.endpointConfigName, $.run.EndpointConfigName, $.endpoint.failureReason)",
      },
      ResultPath: ERROR_PATH,
      Next: s.deploymentFailed,
    },
    [s.describeWaitLimit]: {
      Type: "Pass",
      Parameters: {
        Error: "EndpointWaitLimitReached",
        "Cause.$":
          "States.Format('Endpoint {} was still {} after {} status checks (raise endpoint.wait.maxPolls)', $.run.EndpointName, $.endpoint.status, $.counters.endpointPolls)",
      },
      ResultPath: ERROR_PATH,
      Next: s.deploymentFailed,
    },
    [s.deployed]: { Type: "Succeed", Comment: "The endpoint serves the new model." },
    [s.deploymentFailed]: failWithStoredError(
      "The model could not be deployed; the endpoint keeps its model.",
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
 * are per execution, so those resources are every model / endpoint config of the account; the endpoint
 * itself is named: the stack's own, the only one the execution input may name (CheckExecutionInput).
 */
export function modelEndpointStatements(
  props: Pick<
    ModelEndpointProps,
    "aws" | "qualityGateArn" | "endpointStatusArn" | "roleArn" | "endpointName"
  >,
): PolicyStatement[] {
  const endpointArn = arn(props.aws, "sagemaker", `endpoint/${props.endpointName.toLowerCase()}`);
  return [
    invokeStatement("InvokeDeploymentFunctions", [props.qualityGateArn, props.endpointStatusArn]),
    {
      Sid: "CreateModelsAndEndpointConfigs",
      Effect: "Allow",
      // ListTags: Step Functions reads back the tags of what a tagged request created
      // (https://docs.aws.amazon.com/step-functions/latest/dg/sagemaker-iam.html).
      Action: [
        "sagemaker:CreateModel",
        "sagemaker:CreateEndpointConfig",
        "sagemaker:AddTags",
        "sagemaker:ListTags",
      ],
      Resource: [arn(props.aws, "sagemaker", "model/*"), arn(props.aws, "sagemaker", "endpoint-config/*")],
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
      Resource: [endpointArn, arn(props.aws, "sagemaker", "endpoint-config/*")],
    },
    passRoleToSageMaker("PassSageMakerRoleToModels", props.roleArn),
  ];
}
