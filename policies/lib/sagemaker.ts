// Where SageMaker settings live: in endpoint configuration resources (camelCase provider inputs) and
// in the Parameters of the Step Functions SageMaker service integrations (PascalCase API fields).
import { describeState, taskParameters, type ParsedDefinition, type StateRef } from "./asl-read";
import { arrayAt, isRecord, stringAt } from "./json";

export type SageMakerAction =
  | "createProcessingJob"
  | "createTrainingJob"
  | "createEndpointConfig"
  | "createTransformJob"
  | "createModel"
  | "createEndpoint"
  | "updateEndpoint";

const ACTIONS: Record<SageMakerAction, true> = {
  createProcessingJob: true,
  createTrainingJob: true,
  createEndpointConfig: true,
  createTransformJob: true,
  createModel: true,
  createEndpoint: true,
  updateEndpoint: true,
};

export interface SageMakerTask {
  state: StateRef;
  action: SageMakerAction;
  /** `.sync`: Step Functions waits for the job to finish. */
  sync: boolean;
  parameters: Record<string, unknown>;
}

const TASK_ARN = /^arn:[a-z-]+:states:::sagemaker:([A-Za-z]+)(\.sync)?$/;

function isAction(name: string): name is SageMakerAction {
  return Object.prototype.hasOwnProperty.call(ACTIONS, name);
}

/** Every Task state (at any depth) that calls a SageMaker service integration. */
export function sageMakerTasks(definition: ParsedDefinition): SageMakerTask[] {
  return definition.states.flatMap((state) => {
    if (state.type !== "Task") return [];
    const match = TASK_ARN.exec(stringAt(state.raw, "Resource") ?? "");
    const action = match?.[1];
    if (action === undefined || !isAction(action)) return [];
    return [{ state, action, sync: match?.[2] !== undefined, parameters: taskParameters(state.raw) ?? {} }];
  });
}

/** The result of reading one field through a path of nested objects in task parameters. */
export type FieldRead =
  | { kind: "value"; value: unknown }
  | { kind: "dynamic"; field: string; path: string }
  | { kind: "missing"; field: string };

/**
 * Reads `keys` (e.g. ProcessingResources, ClusterConfig, InstanceType) from ASL parameters, where any
 * level may instead be given as `<key>.$` (a JSONPath resolved at run time) or, in JSONata, `{% ... %}`.
 */
export function readField(parameters: Record<string, unknown>, keys: readonly string[]): FieldRead {
  let current: unknown = parameters;
  const seen: string[] = [];
  for (const key of keys) {
    seen.push(key);
    const dynamicPath = stringAt(current, `${key}.$`);
    if (dynamicPath !== undefined)
      return { kind: "dynamic", field: `${seen.join(".")}.$`, path: dynamicPath };
    if (!isRecord(current) || current[key] === undefined) return { kind: "missing", field: seen.join(".") };
    current = current[key];
    if (typeof current === "string" && current.startsWith("{%")) {
      return { kind: "dynamic", field: seen.join("."), path: current };
    }
  }
  return { kind: "value", value: current };
}

/** An endpoint variant, from a resource (camelCase) or from CreateEndpointConfig parameters (PascalCase). */
export interface EndpointVariant {
  label: string;
  instanceType: string | undefined;
  serverless: boolean;
  raw: Record<string, unknown>;
}

function variants(list: unknown[], kind: string, keys: { name: string; type: string; serverless: string }) {
  return list.filter(isRecord).map((raw, index): EndpointVariant => {
    const name = stringAt(raw, keys.name);
    return {
      label: `${kind} variant ${name === undefined ? `#${index + 1}` : `"${name}"`}`,
      instanceType: stringAt(raw, keys.type),
      serverless: isRecord(raw[keys.serverless]),
      raw,
    };
  });
}

const RESOURCE_KEYS = { name: "variantName", type: "instanceType", serverless: "serverlessConfig" };
const API_KEYS = { name: "VariantName", type: "InstanceType", serverless: "ServerlessConfig" };

/** Production then shadow variants of an `aws:sagemaker/endpointConfiguration:EndpointConfiguration`. */
export function resourceVariants(props: Record<string, unknown>): EndpointVariant[] {
  return [
    ...variants(arrayAt(props, "productionVariants"), "production", RESOURCE_KEYS),
    ...variants(arrayAt(props, "shadowProductionVariants"), "shadow", RESOURCE_KEYS),
  ];
}

/** Production then shadow variants of CreateEndpointConfig task parameters. */
export function parameterVariants(parameters: Record<string, unknown>): EndpointVariant[] {
  return [
    ...variants(arrayAt(parameters, "ProductionVariants"), "production", API_KEYS),
    ...variants(arrayAt(parameters, "ShadowProductionVariants"), "shadow", API_KEYS),
  ];
}

export function allServerless(list: readonly EndpointVariant[]): boolean {
  return list.length > 0 && list.every((variant) => variant.serverless);
}

export const taskLabel = (task: SageMakerTask): string =>
  `${describeState(task.state)} (sagemaker:${task.action})`;
