// promote and rollback deploy through THE pipeline's deployment states, not a second implementation: the
// local definition is built as `npm start` builds it, cut down to the states reachable from the state a
// deployment starts at (CreateModel, CreateEndpointConfig, or CheckEndpoint when the model and its
// endpoint configuration exist), and run on the local executor with the same Task implementations. So a
// promoted model goes through CreateModel → CreateEndpointConfig → Create/UpdateEndpoint → the bounded
// wait until InService, exactly as a model the gate accepted.
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { reachableStates } from "../../components/asl/graph";
import type { JsonValue, StateMachineDefinition } from "../../components/asl/types";
import { ENDPOINT_STATES } from "../../components/model-endpoint/definition";
import { buildPipelineDefinition, initialCounters } from "../../components/pipeline/definition";
import { DEFAULT_HYPERPARAMETERS } from "../../contracts/hyperparameters";
import { projectContainer } from "../container";
import type { LocalEndpointRegistry } from "../endpoint-registry";
import { execute, type ExecutionOutcome } from "../executor";
import { createJsonFile } from "../json-files";
import { lockedEndpointCheck } from "../endpoint-lock";
import { localLambdas } from "../lambdas";
import { LocalModelRegistry } from "../model-registry";
import { LocalNotices } from "../notices";
import { StateRecorder, type StateRecord } from "../run-record";
import { LocalSageMakerJobs } from "../sagemaker-jobs";
import { ARTIFACT_BUCKET, localSettings, STATE_MACHINE_NAME } from "../settings";
import { isTaskResource, taskFunction, taskStates, type TaskFunction } from "../tasks";
import type { WorkdirLayout } from "../runner";

export type DeployStart =
  typeof ENDPOINT_STATES.createModel | typeof ENDPOINT_STATES.createConfig | typeof ENDPOINT_STATES.check;

/** The pipeline's definition for this endpoint, from `start` on (only the states reachable from it). */
export function deploymentDefinition(endpointName: string, start: DeployStart): StateMachineDefinition {
  const full = buildPipelineDefinition(
    localSettings({
      endpointName,
      // Not read by the deployment states; the settings need an SQL location.
      sqlUri: `s3://${ARTIFACT_BUCKET}/sql/unused-by-deployment.sql`,
      hyperparameters: { ...DEFAULT_HYPERPARAMETERS },
    }),
  );
  const reachable = reachableStates({ StartAt: start, States: full.States });
  return {
    Comment: `The pipeline's deployment states from ${start} (npm run runs).`,
    StartAt: start,
    TimeoutSeconds: full.TimeoutSeconds,
    States: Object.fromEntries(Object.entries(full.States).filter(([name]) => reachable.has(name))),
  };
}

export interface Deployment {
  /** What the deployment states read: `$.run` names, `$.train.modelArtifacts`, `$.evaluation.evaluationUri`. */
  modelName: string;
  endpointConfigName: string;
  modelDataUrl: string;
  evaluationUri: string;
  /** The run whose model this is: `$$.Execution.Name`, which CreateModel records as MODEL_VERSION. */
  executionName: string;
}

export interface DeploymentResult {
  outcome: ExecutionOutcome;
  states: StateRecord[];
  recordPath: string;
}

/** Runs the deployment states for `deployment` and records what happened in `<workdir>/deployments/`. */
export async function deploy(options: {
  layout: WorkdirLayout;
  registry: LocalEndpointRegistry;
  endpointName: string;
  start: DeployStart;
  deployment: Deployment;
  /** promote or rollback, and why: kept in the record. */
  action: { kind: "promote" | "rollback"; reason: string };
  waitMs?: number;
  /** How long to wait for a run deploying to the same endpoint. @default 600000 */
  lockWaitMs?: number;
}): Promise<DeploymentResult> {
  const { layout, deployment } = options;
  const definition = deploymentDefinition(options.endpointName, options.start);
  const startedAt = new Date();
  const id = `${startedAt.toISOString().replace(/\D/g, "").slice(0, 17)}-${options.action.kind}-${deployment.executionName}`;
  const logFile = join(layout.root, "deployments", `${id}.lambda-logs.jsonl`);
  const lambdas = localLambdas({
    s3Root: layout.s3,
    input: [],
    registry: options.registry,
    logSink: (record) => appendFileSync(logFile, `${JSON.stringify(record)}\n`),
  });
  const jobs = new LocalSageMakerJobs({
    jobsRoot: layout.jobs,
    s3Root: layout.s3,
    container: projectContainer(),
  });
  // The deployment states register nothing and announce nothing; the services are there for completeness.
  const services = {
    lambdas: lambdas.functions,
    registry: options.registry,
    jobs,
    models: new LocalModelRegistry(layout.registry),
    notices: new LocalNotices(),
  };
  const tasks: Record<string, TaskFunction> = {};
  for (const [name, state] of taskStates(definition)) {
    if (isTaskResource(state.Resource)) tasks[name] = taskFunction(state.Resource, services);
  }
  // One deployment at a time per endpoint, as for a run (local/endpoint-lock.ts).
  const check = tasks[ENDPOINT_STATES.check];
  const endpointCheck =
    check &&
    lockedEndpointCheck(check, {
      registryRoot: layout.registry,
      endpointName: options.endpointName,
      executionName: `${options.action.kind}-${deployment.executionName}`,
      waitMs: options.lockWaitMs ?? 600_000,
      settle: () => options.registry.settle(options.endpointName),
    });
  if (endpointCheck) tasks[ENDPOINT_STATES.check] = endpointCheck.task;
  const recorder = new StateRecorder();
  const input: JsonValue = {
    run: {
      ModelName: deployment.modelName,
      EndpointConfigName: deployment.endpointConfigName,
      EndpointName: options.endpointName,
    },
    train: { modelArtifacts: deployment.modelDataUrl },
    evaluation: { evaluationUri: deployment.evaluationUri },
    ...initialCounters(definition.States),
  };
  let outcome: ExecutionOutcome;
  try {
    await createJsonFile(join(layout.root, "deployments", `${id}.definition.json`), definition);
    outcome = await execute({
      definition,
      stateMachineName: STATE_MACHINE_NAME,
      executionName: deployment.executionName,
      input,
      tasks,
      waitMs: options.waitMs ?? 100,
      retryMs: options.waitMs ?? 100,
      onEvent: (event) => recorder.add(event),
    });
  } finally {
    await lambdas.close();
    await endpointCheck?.settleAndRelease();
  }
  const recordPath = join(layout.root, "deployments", `${id}.json`);
  await createJsonFile(recordPath, {
    action: options.action.kind,
    reason: options.action.reason,
    endpoint: options.endpointName,
    ...deployment,
    startedAt: startedAt.toISOString(),
    status: outcome.status,
    ...(outcome.error ? { error: outcome.error, cause: outcome.cause } : {}),
    states: recorder.records,
  });
  return { outcome, states: recorder.records, recordPath };
}
