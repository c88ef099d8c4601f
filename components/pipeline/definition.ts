// The composer: joins the stage fragments into the full definition of the training pipeline, in the
// order drawn in docs/architecture.md, and collects the IAM statements the state machine's role needs for
// them. Each stage maps the settings to its builder props in its own folder (`<stage>/props.ts`).
// Pure: TrainingPipeline calls it with the deployed references, the local runner with local ones, and
// both execute the same JSON.
import type { PolicyStatement } from "../asl/iam";
import type { ChoiceCondition, Fragment, PayloadTemplate, State, StateMachineDefinition } from "../asl/types";
import {
  buildModelEndpointFragment,
  ENDPOINT_STATES,
  modelEndpointStatements,
} from "../model-endpoint/definition";
import { modelEndpointProps } from "../model-endpoint/props";
import { buildQueryLoopFragment, queryLoopStatements } from "../query-loop/definition";
import { queryLoopProps } from "../query-loop/props";
import {
  buildSageMakerStagesFragment,
  SAGEMAKER_STATES,
  sageMakerStagesStatements,
} from "../sagemaker-stages/definition";
import { sageMakerStagesProps } from "../sagemaker-stages/props";
import type { PipelineSettings } from "../settings";
import { ERROR_PATH, failWithStoredError, retryCounters } from "../asl/error-handling";
import { SAGEMAKER_NAME_MAX_LENGTH } from "../../contracts/sagemaker-names";

export const START_STATES = {
  defaults: "ApplyDefaults",
  merge: "MergeExecutionInput",
  check: "CheckExecutionInput",
  describeEndpoint: "DescribeEndpointOverride",
  describeName: "DescribeInvalidName",
  invalid: "InvalidExecutionInput",
} as const;

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

/** The suffixes that derive the per-execution SageMaker names from the execution name. */
export const EXECUTION_NAME_SUFFIXES = {
  PreprocessingJobName: "preprocess",
  TrainingJobName: "train",
  EvaluationProcessingJobName: "evaluate",
  ModelName: "model",
  EndpointConfigName: "config",
} as const satisfies Partial<Record<ExecutionInputKey, string>>;

/**
 * The longest execution name whose derived names all fit SageMaker's 63 characters: 52, since
 * `-preprocess` adds 11.
 */
export const EXECUTION_NAME_MAX_LENGTH =
  SAGEMAKER_NAME_MAX_LENGTH - 1 - Math.max(...Object.values(EXECUTION_NAME_SUFFIXES).map((s) => s.length));

function executionDefaults(settings: PipelineSettings): PayloadTemplate {
  const fromExecutionName = (key: keyof typeof EXECUTION_NAME_SUFFIXES) =>
    `States.Format('{}-${EXECUTION_NAME_SUFFIXES[key]}', $$.Execution.Name)`;
  const defaults: Record<ExecutionInputKey, string | boolean> = {
    PreprocessingJobName: fromExecutionName("PreprocessingJobName"),
    TrainingJobName: fromExecutionName("TrainingJobName"),
    EvaluationProcessingJobName: fromExecutionName("EvaluationProcessingJobName"),
    ModelName: fromExecutionName("ModelName"),
    EndpointConfigName: fromExecutionName("EndpointConfigName"),
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

/** The loop counters an execution starts with: the two polling loops', and each SageMaker call's retries. */
export function initialCounters(states: Record<string, State>): PayloadTemplate {
  return { counters: { queryPolls: 0, endpointPolls: 0 }, retries: retryCounters(states) };
}

function startFragment(settings: PipelineSettings, next: string, counters: PayloadTemplate): Fragment {
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
        Parameters: { "run.$": "States.JsonMerge($.defaults, $.input, false)", ...counters },
        Next: START_STATES.check,
      },
      ...executionInputCheck(settings, next),
    },
  };
}

/**
 * Refuses, before the query runs, what would fail later in a real account: an endpoint other than the
 * stack's (the state machine's role may deploy only to it: docs/deploy.md), and names SageMaker refuses
 * (Step Functions accepts `.` and `_` in execution names; SageMaker takes letters, digits and hyphens).
 */
function executionInputCheck(settings: PipelineSettings, next: string): Record<string, State> {
  const endpoint = settings.endpoint.name;
  const refusedCharacters = Object.keys(EXECUTION_NAME_SUFFIXES).flatMap((key) =>
    ["*.*", "*_*"].map((pattern): ChoiceCondition => ({ Variable: `$.run.${key}`, StringMatches: pattern })),
  );
  const invalid = (cause: string): State => ({
    Type: "Pass",
    Parameters: { Error: "InvalidExecutionInput", "Cause.$": cause },
    ResultPath: ERROR_PATH,
    Next: START_STATES.invalid,
  });
  return {
    [START_STATES.check]: {
      Type: "Choice",
      Comment: "The stack's endpoint only, and SageMaker names only.",
      Choices: [
        {
          Not: { Variable: "$.run.EndpointName", StringEquals: endpoint },
          Next: START_STATES.describeEndpoint,
        },
        { Or: refusedCharacters, Next: START_STATES.describeName },
      ],
      Default: next,
    },
    [START_STATES.describeEndpoint]: invalid(
      `States.Format('EndpointName {} is not ${endpoint}, the one endpoint this state machine may deploy to (change endpoint.name in the stack configuration instead)', $.run.EndpointName)`,
    ),
    [START_STATES.describeName]: invalid(
      `States.Format('SageMaker names take letters, digits and hyphens only: {}, {}, {}, {}, {}', ${Object.keys(
        EXECUTION_NAME_SUFFIXES,
      )
        .map((key) => `$.run.${key}`)
        .join(", ")})`,
    ),
    [START_STATES.invalid]: failWithStoredError("The execution input cannot run in this stack."),
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

/** The state each stage continues to: query loop, then SageMaker jobs, then the endpoint (docs/architecture.md). */
const STAGE_NEXT = {
  queryLoop: SAGEMAKER_STATES.preprocess,
  sageMakerStages: ENDPOINT_STATES.gate,
} as const;

/** Each stage's builder props, wired in the pipeline's order. */
function stagesProps(settings: PipelineSettings) {
  return {
    query: queryLoopProps(settings, STAGE_NEXT.queryLoop),
    jobs: sageMakerStagesProps(settings, STAGE_NEXT.sageMakerStages),
    endpoint: modelEndpointProps(settings),
  };
}

/** Builds the state machine definition from settings validated at the edge (stack config or CLI flags). */
export function buildPipelineDefinition(settings: PipelineSettings): StateMachineDefinition {
  const props = stagesProps(settings);
  const query = buildQueryLoopFragment(props.query);
  const jobs = buildSageMakerStagesFragment(props.jobs);
  const endpoint = buildModelEndpointFragment(props.endpoint);
  const stages = joinStates([query, jobs, endpoint]);
  const start = startFragment(settings, query.startAt, initialCounters(stages));
  return {
    Comment:
      "visit-time training pipeline: Athena query loop, dataset snapshot, SageMaker preprocess/train/evaluate, quality gate, endpoint create-or-update.",
    StartAt: start.startAt,
    TimeoutSeconds: settings.timeoutSeconds,
    States: joinStates([start, { startAt: query.startAt, states: stages }]),
  };
}

/** The definition as the JSON string Step Functions takes. */
export function renderPipelineDefinition(settings: PipelineSettings): string {
  return JSON.stringify(buildPipelineDefinition(settings), null, 2);
}

/** Every permission the state machine's role needs to run the definition built from these settings. */
export function pipelineStatements(settings: PipelineSettings): PolicyStatement[] {
  const props = stagesProps(settings);
  return withoutRepeats([
    ...queryLoopStatements(props.query),
    ...sageMakerStagesStatements(props.jobs),
    ...modelEndpointStatements(props.endpoint),
  ]);
}

/**
 * Drops a statement that grants exactly what an earlier one grants (both SageMaker stages pass the same
 * role): a repeated statement is one that no call needs, which the IAM access table's test refuses.
 */
function withoutRepeats(statements: PolicyStatement[]): PolicyStatement[] {
  const seen = new Set<string>();
  return statements.filter((statement) => {
    const grant = JSON.stringify([statement.Action, statement.Resource, statement.Condition ?? null]);
    if (seen.has(grant)) return false;
    seen.add(grant);
    return true;
  });
}
