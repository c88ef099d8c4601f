// The composer: joins the stage fragments into the full definition of the training pipeline, in the
// order drawn in DESIGN.md, and collects the IAM statements the state machine's role needs for them.
// Pure: the Pulumi components call it with resolved ARNs, the local runner with local references, and
// both execute the same JSON.
import type { PolicyStatement } from "../asl/iam";
import type { Fragment, PayloadTemplate, State, StateMachineDefinition } from "../asl/types";
import { buildModelEndpointFragment, modelEndpointStatements } from "../model-endpoint/definition";
import { buildQueryLoopFragment, queryLoopStatements } from "../query-loop/definition";
import { buildSageMakerStagesFragment, sageMakerStagesStatements } from "../sagemaker-stages/definition";
import { parsePipelineSettings, type PipelineSettings } from "../settings";

export const START_STATES = { defaults: "ApplyDefaults", merge: "MergeExecutionInput" } as const;

/** Execution input keys and how their defaults derive from the execution name or the settings. */
export const EXECUTION_INPUT_KEYS = [
  "PreprocessingJobName",
  "TrainingJobName",
  "EvaluationProcessingJobName",
  "ModelName",
  "EndpointConfigName",
  "EndpointName",
  "InputFilePath",
  "ForceDeploy",
] as const;
export type ExecutionInputKey = (typeof EXECUTION_INPUT_KEYS)[number];

function executionDefaults(settings: PipelineSettings): PayloadTemplate {
  const fromExecutionName = (suffix: string) => `States.Format('{}-${suffix}', $$.Execution.Name)`;
  const defaults: Record<ExecutionInputKey, string | boolean> = {
    PreprocessingJobName: fromExecutionName("preprocess"),
    TrainingJobName: fromExecutionName("train"),
    EvaluationProcessingJobName: fromExecutionName("evaluate"),
    ModelName: fromExecutionName("model"),
    EndpointConfigName: fromExecutionName("config"),
    EndpointName: settings.endpoint.name,
    InputFilePath: settings.storage.sqlUri,
    ForceDeploy: false,
  };
  return Object.fromEntries(
    Object.entries(defaults).map(([key, value]) =>
      typeof value === "string" && value.startsWith("States.") ? [`${key}.$`, value] : [key, value],
    ),
  );
}

function startFragment(settings: PipelineSettings, next: string): Fragment {
  return {
    startAt: START_STATES.defaults,
    states: {
      [START_STATES.defaults]: {
        Type: "Pass",
        Comment: "Names unique to this execution, and the settings' defaults.",
        Parameters: { defaults: executionDefaults(settings), "input.$": "$" },
        Next: START_STATES.merge,
      },
      [START_STATES.merge]: {
        Type: "Pass",
        Comment: "The execution input overrides the defaults; the loop counters start at zero.",
        Parameters: {
          "run.$": "States.JsonMerge($.defaults, $.input, false)",
          counters: { queryPolls: 0, endpointPolls: 0 },
        },
        Next: next,
      },
    },
  };
}

function joinStates(fragments: readonly Fragment[]): Record<string, State> {
  const states: Record<string, State> = {};
  for (const fragment of fragments) {
    for (const [name, state] of Object.entries(fragment.states)) {
      if (name in states) throw new Error(`State name ${name} is defined by two stages of the pipeline.`);
      states[name] = state;
    }
  }
  return states;
}

function stageProps(settings: PipelineSettings) {
  return {
    aws: settings.aws,
    roleArn: settings.sagemaker.roleArn,
    kmsKeyArn: settings.storage.kmsKeyArn,
    tags: settings.tags,
  };
}

/** Builds the state machine definition from validated settings (validated again here: it is cheap). */
export function buildPipelineDefinition(rawSettings: PipelineSettings): StateMachineDefinition {
  const settings = parsePipelineSettings(rawSettings);
  const common = stageProps(settings);
  const endpoint = buildModelEndpointFragment({
    ...common,
    qualityGateArn: settings.lambdas.qualityGate,
    endpointStatusArn: settings.lambdas.endpointStatus,
    imageUri: settings.sagemaker.imageUri,
    endpointName: settings.endpoint.name,
    variant: settings.endpoint.variant,
    dataCapture: settings.endpoint.dataCapture,
    gate: settings.gate,
    wait: settings.endpoint.wait,
  });
  const jobs = buildSageMakerStagesFragment({
    ...common,
    imageUri: settings.sagemaker.imageUri,
    artifactBucket: settings.storage.artifactBucket,
    preprocessing: settings.sagemaker.preprocessing,
    training: settings.sagemaker.training,
    evaluation: settings.sagemaker.evaluation,
    hyperparameters: settings.sagemaker.hyperparameters,
    metricDefinitions: settings.sagemaker.metricDefinitions,
    next: endpoint.startAt,
  });
  const query = buildQueryLoopFragment({
    startQueryArn: settings.lambdas.startQuery,
    getQueryStatusArn: settings.lambdas.getQueryStatus,
    snapshotDatasetArn: settings.lambdas.snapshotDataset,
    pollIntervalSeconds: settings.query.pollIntervalSeconds,
    maxPolls: settings.query.maxPolls,
    next: jobs.startAt,
  });
  const start = startFragment(settings, query.startAt);
  return {
    Comment:
      "visit-time training pipeline: Athena query loop, dataset snapshot, SageMaker preprocess/train/evaluate, quality gate, endpoint create-or-update.",
    StartAt: start.startAt,
    TimeoutSeconds: settings.timeoutSeconds,
    States: joinStates([start, query, jobs, endpoint]),
  };
}

/** The definition as the JSON string Step Functions takes. */
export function renderPipelineDefinition(settings: PipelineSettings): string {
  return JSON.stringify(buildPipelineDefinition(settings), null, 2);
}

/** Every permission the state machine's role needs to run the definition built from these settings. */
export function pipelineStatements(settings: PipelineSettings): PolicyStatement[] {
  return [
    ...queryLoopStatements({
      startQueryArn: settings.lambdas.startQuery,
      getQueryStatusArn: settings.lambdas.getQueryStatus,
      snapshotDatasetArn: settings.lambdas.snapshotDataset,
    }),
    ...sageMakerStagesStatements({ aws: settings.aws, roleArn: settings.sagemaker.roleArn }),
    ...modelEndpointStatements({
      aws: settings.aws,
      qualityGateArn: settings.lambdas.qualityGate,
      endpointStatusArn: settings.lambdas.endpointStatus,
      roleArn: settings.sagemaker.roleArn,
      endpointName: settings.endpoint.name,
    }),
  ];
}
