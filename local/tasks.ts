// Dispatch of Task states by their Resource, with an exhaustive switch: Lambda invokes go to the
// in-process handlers by FunctionName, SageMaker jobs to child processes, model/endpoint calls to the
// local endpoint registry, CreateModelPackage to the local model registry, sns:publish to the run's
// notices. Results have the shapes the AWS integrations return (`Payload` for lambda:invoke, the
// Describe*/Create* responses for SageMaker), so the definition's ResultSelectors read them unchanged.
import {
  type IntegrationPattern,
  lambdaInvokeResource,
  type SageMakerAction,
  sageMakerResource,
  type SageMakerSdkAction,
  sageMakerSdkResource,
  snsPublishResource,
} from "../components/asl/integrations";
import type { JsonValue, State, StateMachineDefinition, TaskState } from "../components/asl/types";
import type {
  CreateEndpointConfigRequest,
  CreateModelRequest,
  EndpointRequest,
  LocalEndpointRegistry,
} from "./endpoint-registry";
import { LambdaFunctionNotFound, SageMakerValidationError, UnsupportedResource } from "./errors";
import type { CreateModelPackageRequest, LocalModelRegistry } from "./model-registry";
import type { LocalNotices, PublishRequest } from "./notices";
import type {
  CreateProcessingJobRequest,
  CreateTrainingJobRequest,
  LocalSageMakerJobs,
} from "./sagemaker-jobs";

/** A Lambda handler as the runner calls it: the event in, the result out, errors thrown with their names. */
export type LambdaHandler = (event: unknown) => Promise<unknown>;

export interface LocalServices {
  /** Handlers by function ARN. */
  lambdas: ReadonlyMap<string, LambdaHandler>;
  jobs: LocalSageMakerJobs;
  registry: LocalEndpointRegistry;
  /** The model registry that answers CreateModelPackage. */
  models: LocalModelRegistry;
  /** The stack's topic: what sns:publish sends. */
  notices: LocalNotices;
}

export type TaskFunction = (input: JsonValue) => Promise<JsonValue>;

/** Every Task state of the definition, nested Parallel/Map branches included, by name. */
export function taskStates(definition: Pick<StateMachineDefinition, "States">): Map<string, TaskState> {
  const found = new Map<string, TaskState>();
  const visit = (states: Record<string, State>) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === "Task") found.set(name, state);
      if (state.Type === "Parallel") state.Branches.forEach((branch) => visit(branch.States));
      if (state.Type === "Map") visit(state.ItemProcessor.States);
    }
  };
  visit(definition.States);
  return found;
}

/** Checks every Task's Resource before anything runs, naming each one the runner cannot execute. */
export function checkTaskResources(tasks: ReadonlyMap<string, TaskState>): void {
  const unsupported = [...tasks].filter(([, state]) => !isTaskResource(state.Resource));
  if (unsupported.length > 0) {
    throw new UnsupportedResource(
      `The local runner cannot execute ${unsupported.map(([name, state]) => `${name} (${state.Resource})`).join(", ")}. ` +
        `Supported resources: ${TASK_RESOURCES.join(", ")}.`,
    );
  }
}

type LocalCall = (services: LocalServices, input: JsonValue) => Promise<JsonValue>;

/**
 * The local implementation of each SageMaker call the definition can make, with the integration
 * pattern it is made with: a Record over every action, so a new action cannot be left without one.
 */
const SAGEMAKER_CALLS: Record<SageMakerAction, { pattern: IntegrationPattern; call: LocalCall }> = {
  createProcessingJob: {
    pattern: "sync",
    call: async ({ jobs }, input) =>
      toJson(await jobs.runProcessingJob(request<CreateProcessingJobRequest>(input, "ProcessingJobName"))),
  },
  createTrainingJob: {
    pattern: "sync",
    call: async ({ jobs }, input) =>
      toJson(await jobs.runTrainingJob(request<CreateTrainingJobRequest>(input, "TrainingJobName"))),
  },
  createModel: {
    pattern: "requestResponse",
    call: async ({ registry }, input) =>
      registry.createModel(request<CreateModelRequest>(input, "ModelName")),
  },
  createEndpointConfig: {
    pattern: "requestResponse",
    call: async ({ registry }, input) =>
      registry.createEndpointConfig(request<CreateEndpointConfigRequest>(input, "EndpointConfigName")),
  },
  createEndpoint: {
    pattern: "requestResponse",
    call: async ({ registry }, input) =>
      registry.createEndpoint(request<EndpointRequest>(input, "EndpointName", "EndpointConfigName")),
  },
  updateEndpoint: {
    pattern: "requestResponse",
    call: async ({ registry }, input) =>
      registry.updateEndpoint(request<EndpointRequest>(input, "EndpointName", "EndpointConfigName")),
  },
};

/** The SageMaker APIs the definition calls through the AWS SDK integration, each with its local answer. */
const SAGEMAKER_SDK_CALLS: Record<SageMakerSdkAction, LocalCall> = {
  createModelPackage: async ({ models }, input) =>
    toJson(
      await models.createModelPackage(request<CreateModelPackageRequest>(input, "ModelPackageGroupName")),
    ),
};

/** Task resources by ARN, built by the same functions as the definition's (components/asl/integrations.ts). */
const LOCAL_CALLS: ReadonlyMap<string, LocalCall> = new Map<string, LocalCall>([
  [lambdaInvokeResource(), ({ lambdas }, input) => invokeLambda(lambdas, input)],
  ...(Object.entries(SAGEMAKER_CALLS) as [SageMakerAction, (typeof SAGEMAKER_CALLS)[SageMakerAction]][]).map(
    ([action, { pattern, call }]): [string, LocalCall] => [sageMakerResource(action, pattern), call],
  ),
  ...(Object.entries(SAGEMAKER_SDK_CALLS) as [SageMakerSdkAction, LocalCall][]).map(
    ([action, call]): [string, LocalCall] => [sageMakerSdkResource(action), call],
  ),
  [snsPublishResource(), async ({ notices }, input) => toJson(notices.publish(asObject(input)))],
]);

/** Every Task resource the local runner executes. */
export const TASK_RESOURCES: readonly string[] = [...LOCAL_CALLS.keys()];

export function isTaskResource(resource: string): boolean {
  return LOCAL_CALLS.has(resource);
}

/** The local implementation of one Task resource. */
export function taskFunction(resource: string, services: LocalServices): TaskFunction {
  const call = LOCAL_CALLS.get(resource);
  if (!call) throw new UnsupportedResource(`No local implementation of ${resource}.`);
  return (input) => call(services, input);
}

/**
 * The task's Parameters as a SageMaker request. The definition renders them from typed builders; this
 * checks the fields the local implementation cannot do without, with SageMaker's wording.
 */
function request<T>(input: JsonValue, ...required: string[]): T {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new SageMakerValidationError(`The request must be an object, got ${JSON.stringify(input)}.`);
  }
  const missing = required.filter((field) => typeof input[field] !== "string" || input[field] === "");
  if (missing.length > 0) {
    throw new SageMakerValidationError(
      `${missing.length} validation error(s) detected: ${missing
        .map((field) => `Value at '${field}' failed to satisfy constraint: Member must not be null`)
        .join("; ")}.`,
    );
  }
  return input as T;
}

/** A Task's Parameters as an object (SNS names what is missing in it: LocalNotices.publish). */
function asObject(input: JsonValue): PublishRequest {
  return typeof input === "object" && input !== null && !Array.isArray(input) ? input : {};
}

/** Results are plain data; this copies and re-types them for the executor (`undefined` becomes null). */
function toJson(value: unknown): JsonValue {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as JsonValue);
}

/** The function's name from a name, an ARN or a qualified ARN (`...:function:name:alias`). */
export function functionNameOf(nameOrArn: string): string {
  const match = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/.exec(nameOrArn);
  return match?.[1] ?? nameOrArn;
}

/**
 * `arn:aws:states:::lambda:invoke`: Parameters `{ FunctionName, Payload }`, result `{ Payload, StatusCode,
 * ExecutedVersion }`. A handler's error keeps its name (Step Functions reports the function's errorType);
 * its cause is Lambda's error payload `{ errorType, errorMessage }`, as in the cloud.
 */
async function invokeLambda(
  lambdas: ReadonlyMap<string, LambdaHandler>,
  input: JsonValue,
): Promise<JsonValue> {
  const parameters = request<{ FunctionName: string; Payload?: JsonValue }>(input, "FunctionName");
  const wanted = functionNameOf(parameters.FunctionName);
  const handler = [...lambdas].find(([arn]) => functionNameOf(arn) === wanted)?.[1];
  if (!handler) {
    throw new LambdaFunctionNotFound(
      `Function not found: ${parameters.FunctionName}. Local functions: ${[...lambdas.keys()].join(", ")}.`,
    );
  }
  let result: unknown;
  try {
    result = await handler(parameters.Payload ?? {});
  } catch (error) {
    throw asFunctionError(error);
  }
  return {
    ExecutedVersion: "$LATEST",
    StatusCode: 200,
    Payload: toJson(result),
  };
}

/** A function error as lambda:invoke reports it: same name, Lambda's error payload as the message. */
export class FunctionError extends Error {
  constructor(
    override readonly name: string,
    readonly errorMessage: string,
  ) {
    super(JSON.stringify({ errorType: name, errorMessage }));
  }
}

function asFunctionError(error: unknown): FunctionError {
  if (error instanceof Error) return new FunctionError(error.name, error.message);
  return new FunctionError("Error", String(error));
}
