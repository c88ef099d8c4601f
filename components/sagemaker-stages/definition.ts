// Preprocess, Train and Evaluate: SageMaker processing and training jobs run with the `.sync`
// integrations, so Step Functions waits for each job and fails the Task when the job fails. Names come
// from `$.run` (unique per execution, overridable by the execution input); outputs land under
// s3://<artifactBucket>/runs/<execution>/. Before Evaluate, the champion-model handler finds the model the
// endpoint serves: Evaluate then scores it too, on the same test split, for a like-for-like gate.
import { failWithStoredError, sageMakerCall } from "../asl/error-handling";
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
import type { Fragment, PayloadTemplate, TaskState } from "../asl/types";
import { type JobResources, STACK_TAG_KEY, stackTagValue } from "../settings";
import { CONTAINER_PATHS, TRAINING_CHANNEL } from "../../contracts/container";

export interface SageMakerStagesProps {
  aws: AwsEnvironment;
  /** The champion-model handler: the endpoint's current model and its artifacts. */
  championModelArn: string;
  /** Role SageMaker assumes to run the jobs (passed with iam:PassRole). */
  roleArn: string;
  imageUri: string;
  artifactBucket: string;
  preprocessing: JobResources;
  training: JobResources;
  evaluation: JobResources;
  hyperparameters: Record<string, string>;
  metricDefinitions: readonly { Name: string; Regex: string }[];
  /** Encrypts job volumes and outputs. @default SageMaker's AWS-managed keys */
  kmsKeyArn?: string;
  tags: Record<string, string>;
  /** The state after a successful evaluation. */
  next: string;
}

export const SAGEMAKER_STATES = {
  preprocess: "Preprocess",
  preprocessFailed: "PreprocessFailed",
  train: "Train",
  trainFailed: "TrainingFailed",
  findChampion: "FindChampion",
  championFailed: "ChampionLookupFailed",
  championDeployed: "ChampionDeployed",
  evaluate: "Evaluate",
  evaluateWithChampion: "EvaluateWithChampion",
  evaluateFailed: "EvaluationFailed",
} as const;

/** Step Functions waits this long beyond a job's own maximum runtime before giving up on it. */
const TASK_TIMEOUT_MARGIN_SECONDS = 900;

function runPrefix(bucket: string, stage: string): string {
  return `States.Format('s3://${bucket}/runs/{}/${stage}', $$.Execution.Name)`;
}

function clusterConfig(resources: JobResources, kmsKeyArn: string | undefined): PayloadTemplate {
  return {
    InstanceCount: resources.instanceCount,
    InstanceType: resources.instanceType,
    VolumeSizeInGB: resources.volumeSizeGb,
    ...(kmsKeyArn ? { VolumeKmsKeyId: kmsKeyArn } : {}),
  };
}

function s3Input(name: string, uriPath: string, localPath: string): PayloadTemplate {
  return {
    InputName: name,
    S3Input: {
      "S3Uri.$": uriPath,
      LocalPath: localPath,
      S3DataType: "S3Prefix",
      S3InputMode: "File",
      S3DataDistributionType: "FullyReplicated",
    },
  };
}

function processingTask(
  props: SageMakerStagesProps,
  job: {
    nameField: string;
    entryPoint: "preprocess" | "evaluate";
    environment?: PayloadTemplate;
    resources: JobResources;
    inputs: PayloadTemplate[];
    output: { name: string; stage: string; localPath: string };
    resultSelector: PayloadTemplate;
    resultPath: string;
    next: string;
    comment: string;
  },
): TaskState {
  return {
    Type: "Task",
    Comment: job.comment,
    Resource: sageMakerResource("createProcessingJob", "sync"),
    Parameters: {
      "ProcessingJobName.$": `$.run.${job.nameField}`,
      RoleArn: props.roleArn,
      AppSpecification: { ImageUri: props.imageUri, ContainerArguments: [job.entryPoint] },
      ...(job.environment ? { Environment: job.environment } : {}),
      ProcessingInputs: job.inputs,
      ProcessingOutputConfig: {
        Outputs: [
          {
            OutputName: job.output.name,
            S3Output: {
              "S3Uri.$": runPrefix(props.artifactBucket, job.output.stage),
              LocalPath: job.output.localPath,
              S3UploadMode: "EndOfJob",
            },
          },
        ],
        ...(props.kmsKeyArn ? { KmsKeyId: props.kmsKeyArn } : {}),
      },
      ProcessingResources: { ClusterConfig: clusterConfig(job.resources, props.kmsKeyArn) },
      StoppingCondition: { MaxRuntimeInSeconds: job.resources.maxRuntimeSeconds },
      Tags: sageMakerTags(props.tags),
    },
    ResultSelector: job.resultSelector,
    ResultPath: job.resultPath,
    TimeoutSeconds: job.resources.maxRuntimeSeconds + TASK_TIMEOUT_MARGIN_SECONDS,
    Next: job.next,
  };
}

/** The processing output's S3 prefix, as DescribeProcessingJob reports it. */
const PROCESSING_OUTPUT_URI = "$.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri";

/**
 * The Evaluate job: the candidate and the baselines on the test split and, `withChampion`, the champion
 * found by FindChampion (its model.tar.gz as a third input, its name in CHAMPION_MODEL_NAME). Two states
 * from one builder, because ASL cannot add an element to a list of inputs conditionally.
 */
function evaluationTask(props: SageMakerStagesProps, withChampion: boolean): TaskState {
  return processingTask(props, {
    comment: withChampion
      ? "Test-period metrics of the model, of the baselines and of the champion on the same examples."
      : "Test-period metrics of the model and of the baselines (evaluation.json); no champion to score.",
    nameField: "EvaluationProcessingJobName",
    entryPoint: "evaluate",
    ...(withChampion ? { environment: { "CHAMPION_MODEL_NAME.$": "$.champion.modelName" } } : {}),
    resources: props.evaluation,
    inputs: [
      s3Input("model", "$.train.modelArtifacts", CONTAINER_PATHS.evaluationModel),
      s3Input("examples", "$.preprocess.outputUri", CONTAINER_PATHS.evaluationData),
      ...(withChampion
        ? [s3Input("champion", "$.champion.modelDataUrl", CONTAINER_PATHS.evaluationChampion)]
        : []),
    ],
    output: { name: "evaluation", stage: "evaluation", localPath: CONTAINER_PATHS.evaluationOutput },
    resultSelector: {
      "outputUri.$": PROCESSING_OUTPUT_URI,
      "evaluationUri.$": `States.Format('{}/evaluation.json', ${PROCESSING_OUTPUT_URI})`,
    },
    resultPath: "$.evaluation",
    next: props.next,
  });
}

export function buildSageMakerStagesFragment(props: SageMakerStagesProps): Fragment {
  const s = SAGEMAKER_STATES;
  const train: TaskState = {
    Type: "Task",
    Comment: "Train the GRU on the preprocessed examples.",
    Resource: sageMakerResource("createTrainingJob", "sync"),
    Parameters: {
      "TrainingJobName.$": "$.run.TrainingJobName",
      RoleArn: props.roleArn,
      AlgorithmSpecification: {
        TrainingImage: props.imageUri,
        TrainingInputMode: "File",
        MetricDefinitions: props.metricDefinitions.map((metric) => ({
          Name: metric.Name,
          Regex: metric.Regex,
        })),
      },
      HyperParameters: { ...props.hyperparameters },
      InputDataConfig: [
        {
          ChannelName: TRAINING_CHANNEL,
          InputMode: "File",
          DataSource: {
            S3DataSource: {
              S3DataType: "S3Prefix",
              "S3Uri.$": "$.preprocess.outputUri",
              S3DataDistributionType: "FullyReplicated",
            },
          },
        },
      ],
      OutputDataConfig: {
        "S3OutputPath.$": runPrefix(props.artifactBucket, "model"),
        ...(props.kmsKeyArn ? { KmsKeyId: props.kmsKeyArn } : {}),
      },
      ResourceConfig: clusterConfig(props.training, props.kmsKeyArn),
      StoppingCondition: { MaxRuntimeInSeconds: props.training.maxRuntimeSeconds },
      Tags: sageMakerTags(props.tags),
    },
    ResultSelector: {
      "modelArtifacts.$": "$.ModelArtifacts.S3ModelArtifacts",
      "jobName.$": "$.TrainingJobName",
    },
    ResultPath: "$.train",
    TimeoutSeconds: props.training.maxRuntimeSeconds + TASK_TIMEOUT_MARGIN_SECONDS,
    Next: s.findChampion,
  };
  return {
    startAt: s.preprocess,
    states: {
      ...sageMakerCall(
        s.preprocess,
        processingTask(props, {
          comment: "Daily visits to training examples: features, time-based split, normalisation.",
          nameField: "PreprocessingJobName",
          entryPoint: "preprocess",
          resources: props.preprocessing,
          inputs: [s3Input("daily-visits", "$.dataset.datasetUri", CONTAINER_PATHS.preprocessInput)],
          output: { name: "examples", stage: "preprocess", localPath: CONTAINER_PATHS.preprocessOutput },
          resultSelector: { "outputUri.$": PROCESSING_OUTPUT_URI },
          resultPath: "$.preprocess",
          next: s.train,
        }),
        s.preprocessFailed,
      ),
      [s.preprocessFailed]: failWithStoredError("The preprocessing job failed."),
      ...sageMakerCall(s.train, train, s.trainFailed),
      [s.trainFailed]: failWithStoredError("The training job failed."),
      [s.findChampion]: lambdaTask({
        comment: "The model the endpoint serves now (the champion), so that Evaluate scores it too.",
        functionArn: props.championModelArn,
        payload: { "endpointName.$": "$.run.EndpointName" },
        resultFields: ["found", "modelName", "modelDataUrl", "reason"],
        resultPath: "$.champion",
        next: s.championDeployed,
        failState: s.championFailed,
      }),
      [s.championFailed]: failWithStoredError("The endpoint's current model could not be looked up."),
      [s.championDeployed]: {
        Type: "Choice",
        Choices: [{ Variable: "$.champion.found", BooleanEquals: true, Next: s.evaluateWithChampion }],
        Default: s.evaluate,
      },
      ...sageMakerCall(s.evaluate, evaluationTask(props, false), s.evaluateFailed),
      ...sageMakerCall(s.evaluateWithChampion, evaluationTask(props, true), s.evaluateFailed),
      [s.evaluateFailed]: failWithStoredError("The evaluation job failed."),
    },
  };
}

/**
 * What the state machine's role needs to run these jobs: the job APIs on this stack's jobs only (their
 * names are per execution, so the resource is every job of the type, narrowed by the stack's tag: created
 * only with it, followed and stopped only when they carry it), passing exactly the SageMaker role to
 * SageMaker, and the EventBridge managed rules through which `.sync` learns that a job ended
 * (https://docs.aws.amazon.com/step-functions/latest/dg/sagemaker-iam.html).
 */
export function sageMakerStagesStatements(
  props: Pick<SageMakerStagesProps, "aws" | "roleArn" | "championModelArn" | "tags">,
): PolicyStatement[] {
  const jobs = [
    arn(props.aws, "sagemaker", "processing-job/*"),
    arn(props.aws, "sagemaker", "training-job/*"),
  ];
  const stack = stackTagValue(props.tags);
  return [
    invokeStatement("InvokeChampionLookup", [props.championModelArn]),
    ...createOnlyTagged(
      { create: "CreateJobsTaggedWithTheStack", tag: "TagTheJobsItCreates" },
      ["sagemaker:CreateProcessingJob", "sagemaker:CreateTrainingJob"],
      jobs,
      STACK_TAG_KEY,
      stack,
    ),
    {
      Sid: "FollowAndStopTheStacksJobs",
      Effect: "Allow",
      Action: [
        "sagemaker:DescribeProcessingJob",
        "sagemaker:StopProcessingJob",
        "sagemaker:DescribeTrainingJob",
        "sagemaker:StopTrainingJob",
        "sagemaker:ListTags",
      ],
      Resource: jobs,
      Condition: tagCondition("aws:ResourceTag", STACK_TAG_KEY, stack),
    },
    passRoleToSageMaker("PassSageMakerRoleToJobs", props.roleArn),
    {
      Sid: "SyncJobCompletionRules",
      Effect: "Allow",
      Action: ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
      Resource: [
        arn(props.aws, "events", "rule/StepFunctionsGetEventsForSageMakerProcessingJobsRule"),
        arn(props.aws, "events", "rule/StepFunctionsGetEventsForSageMakerTrainingJobsRule"),
      ],
    },
  ];
}
