// The composer: joins the stage fragments into the full definition of the training pipeline, in the
// order drawn in docs/architecture.md, and collects the IAM statements the state machine's role needs for them.
// The settings → builder props mapping of each stage is here, once: the stage components build their
// own `fragment` with the same mappers, from the slice of the settings each stage reads.
// Pure: the Pulumi components call it with resolved ARNs, the local runner with local references, and
// both execute the same JSON.
import type { PolicyStatement } from "../asl/iam";
import type { Fragment, PayloadTemplate, State, StateMachineDefinition } from "../asl/types";
import {
  buildModelEndpointFragment,
  ENDPOINT_STATES,
  modelEndpointStatements,
  type ModelEndpointProps,
} from "../model-endpoint/definition";
import { buildQueryLoopFragment, type QueryLoopProps, queryLoopStatements } from "../query-loop/definition";
import {
  buildSageMakerStagesFragment,
  SAGEMAKER_STATES,
  sageMakerStagesStatements,
  type SageMakerStagesProps,
} from "../sagemaker-stages/definition";
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

type LambdaArns = PipelineSettings["lambdas"];
type StorageSettings = PipelineSettings["storage"];
type SageMakerSettings = PipelineSettings["sagemaker"];

/** What the query loop's fragment reads of the settings: a QueryLoop passes its own ARNs and polling. */
export interface QueryLoopSettings {
  lambdas: Pick<LambdaArns, "startQuery" | "getQueryStatus" | "snapshotDataset">;
  query: PipelineSettings["query"];
}

/** What both SageMaker stages read: who runs the jobs and models, with which key and tags. */
interface SageMakerCallerSettings extends Pick<PipelineSettings, "aws" | "tags"> {
  sagemaker: Pick<SageMakerSettings, "roleArn" | "imageUri">;
  storage: Pick<StorageSettings, "kmsKeyArn">;
}

/** What the Preprocess/Train/Evaluate fragment reads of the settings. */
export interface SageMakerStagesSettings extends SageMakerCallerSettings {
  lambdas: Pick<LambdaArns, "championModel">;
  sagemaker: SageMakerSettings;
  storage: Pick<StorageSettings, "artifactBucket" | "kmsKeyArn">;
}

/** What the quality gate and deployment fragment reads of the settings. */
export interface ModelEndpointSettings
  extends SageMakerCallerSettings, Pick<PipelineSettings, "gate" | "endpoint"> {
  lambdas: Pick<LambdaArns, "qualityGate" | "endpointStatus">;
}

/** The state each stage continues to: query loop, then SageMaker jobs, then the endpoint (docs/architecture.md). */
export const STAGE_NEXT = {
  queryLoop: SAGEMAKER_STATES.preprocess,
  sageMakerStages: ENDPOINT_STATES.gate,
} as const;

function sageMakerCallerProps(settings: SageMakerCallerSettings) {
  return {
    aws: settings.aws,
    roleArn: settings.sagemaker.roleArn,
    imageUri: settings.sagemaker.imageUri,
    kmsKeyArn: settings.storage.kmsKeyArn,
    tags: settings.tags,
  };
}

/** The query loop's builder props: the one mapping, shared by the composer and the QueryLoop component. */
export function queryLoopProps(settings: QueryLoopSettings, next: string): QueryLoopProps {
  return {
    startQueryArn: settings.lambdas.startQuery,
    getQueryStatusArn: settings.lambdas.getQueryStatus,
    snapshotDatasetArn: settings.lambdas.snapshotDataset,
    pollIntervalSeconds: settings.query.pollIntervalSeconds,
    maxPolls: settings.query.maxPolls,
    next,
  };
}

/** The SageMaker jobs' builder props: shared by the composer and the SageMakerStages component. */
export function sageMakerStagesProps(settings: SageMakerStagesSettings, next: string): SageMakerStagesProps {
  return {
    ...sageMakerCallerProps(settings),
    championModelArn: settings.lambdas.championModel,
    artifactBucket: settings.storage.artifactBucket,
    preprocessing: settings.sagemaker.preprocessing,
    training: settings.sagemaker.training,
    evaluation: settings.sagemaker.evaluation,
    hyperparameters: settings.sagemaker.hyperparameters,
    metricDefinitions: settings.sagemaker.metricDefinitions,
    next,
  };
}

/** The gate and deployment's builder props: shared by the composer and the ModelEndpoint component. */
export function modelEndpointProps(settings: ModelEndpointSettings): ModelEndpointProps {
  return {
    ...sageMakerCallerProps(settings),
    qualityGateArn: settings.lambdas.qualityGate,
    endpointStatusArn: settings.lambdas.endpointStatus,
    endpointName: settings.endpoint.name,
    variant: settings.endpoint.variant,
    dataCapture: settings.endpoint.dataCapture,
    gate: settings.gate,
    wait: settings.endpoint.wait,
  };
}

/** Each stage's builder props, wired in the pipeline's order. */
function stagesProps(settings: PipelineSettings) {
  return {
    query: queryLoopProps(settings, STAGE_NEXT.queryLoop),
    jobs: sageMakerStagesProps(settings, STAGE_NEXT.sageMakerStages),
    endpoint: modelEndpointProps(settings),
  };
}

/** Builds the state machine definition from validated settings (validated again here: it is cheap). */
export function buildPipelineDefinition(rawSettings: PipelineSettings): StateMachineDefinition {
  const settings = parsePipelineSettings(rawSettings);
  const props = stagesProps(settings);
  const query = buildQueryLoopFragment(props.query);
  const jobs = buildSageMakerStagesFragment(props.jobs);
  const endpoint = buildModelEndpointFragment(props.endpoint);
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
  const props = stagesProps(settings);
  return [
    ...queryLoopStatements(props.query),
    ...sageMakerStagesStatements(props.jobs),
    ...modelEndpointStatements(props.endpoint),
  ];
}
