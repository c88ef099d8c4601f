// One local execution of the pipeline: claims `<workdir>/runs/<execution-name>/` (a name that exists fails,
// so no earlier run is touched), builds THE definition from local settings, wires every Task state to its
// local implementation (plus any injected fault), executes it, and writes summary.json and history.json,
// for failed runs too.
import { appendFileSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { JsonValue } from "../components/asl/types";
import { buildPipelineDefinition } from "../components/pipeline/definition";
import {
  checkExecutionInput,
  checkExecutionName,
  InvalidExecutionInputError,
} from "../components/pipeline/execution-input";
import { InvalidSettingsError, type PipelineSettings } from "../components/settings";
import { DirectoryObjectStore } from "../handlers/local/directory-object-store";
import { localPathForS3Uri } from "../handlers/s3-uri";
import { trainingSqlTemplate } from "../sql";
import { projectContainer, type ContainerCommand } from "./container";
import { ENDPOINT_STATES } from "../components/model-endpoint/definition";
import { LocalEndpointRegistry, orNullIfMissing } from "./endpoint-registry";
import { lockedEndpointCheck } from "./endpoint-lock";
import { UsageError } from "./errors";
import { execute, type ExecutionOutcome } from "./executor";
import { checkFaultStates, withFault, type FaultSpec } from "./faults";
import { createJsonFile, isErrno, readJsonIfExists } from "./json-files";
import { localLambdas } from "./lambdas";
import { inputLineage, sha256Text } from "./lineage";
import { ProgressReporter, type Write } from "./progress";
import { abortedOutcome } from "./run-interruption";
import { historyOf, StateRecorder } from "./run-record";
import { appendRunEvent, recordRunOwner } from "./run-owner";
import { generateSampleData } from "./sample-data";
import { writeSampleRequest } from "./sample-request";
import { writeLocalReport } from "./run-report";
import { LocalSageMakerJobs } from "./sagemaker-jobs";
import { ARTIFACT_BUCKET, localSettings, STATE_MACHINE_NAME } from "./settings";
import { LocalModelRegistry } from "./model-registry";
import { LocalNotices, type Notice } from "./notices";
import { registerEvaluatedModel } from "./run-registration";
import { artifactUris, buildSummary, lastStateData, type RunSummary } from "./summary";
import { checkTaskResources, isTaskResource, taskFunction, taskStates, type TaskFunction } from "./tasks";

export interface WorkdirLayout {
  root: string;
  s3: string;
  registry: string;
  jobs: string;
  runs: string;
}

export function workdirLayout(workdir: string): WorkdirLayout {
  const root = resolve(workdir);
  return {
    root,
    s3: join(root, "s3"),
    registry: join(root, "registry"),
    jobs: join(root, "jobs"),
    runs: join(root, "runs"),
  };
}

/** A CSV or Parquet file, a glob, or several; or the size of sample data to generate for the run. */
export type RunInput = string | readonly string[] | { sample: { users: number; days: number } };

/** The run's raw hits: the given files, or sample data generated into the (already claimed) run directory. */
async function resolveInput(
  input: RunInput,
  runDir: string,
  write: Write,
): Promise<string | readonly string[]> {
  if (typeof input === "string" || Array.isArray(input)) return input;
  if (!("sample" in input)) throw new UsageError("The input must be files or { sample: { users, days } }.");
  const file = join(runDir, "sample-hits.csv");
  write(`Generating sample data: ${input.sample.users} users × ${input.sample.days} days → ${file}`);
  const rows = await generateSampleData(file, input.sample);
  write(`  ${rows} raw hits written.`);
  return file;
}

export interface PipelineRunOptions {
  workdir: string;
  executionName: string;
  /** The raw hits: files (CSV or Parquet, globs), or sample data to generate into the run directory. */
  input: RunInput;
  /** Execution input keys (docs/contracts.md); unknown keys are refused. */
  executionInput?: Record<string, JsonValue>;
  endpointName: string;
  hyperparameters: Record<string, string>;
  maxMae?: number;
  minImprovementOverBaseline?: number;
  maxRegressionHours?: number;
  /** The largest share of invalid raw hits (dataQuality.maxInvalidHitShare). */
  maxInvalidHitShare?: number;
  faults?: readonly FaultSpec[];
  /** Every Wait state pauses this long. @default 100 */
  waitMs?: number;
  /** Every retry pauses this long. @default 100 */
  retryMs?: number;
  /** Progress lines; nothing is printed without it. */
  write?: Write;
  container?: ContainerCommand;
  /** Extra environment for the container's jobs. */
  jobEnvironment?: Record<string, string>;
  /** How long CheckEndpoint waits for another run deploying to the same endpoint. @default 600000 */
  endpointLockWaitMs?: number;
  signal?: AbortSignal;
}

export interface PipelineRunResult {
  summary: RunSummary;
  runDir: string;
  summaryPath: string;
  historyPath: string;
  sampleRequestPath: string | null;
  /** report.html (graph, learning curves, evaluation, gate, lineage), if it could be written. */
  reportPath: string | null;
  /** Local files of the summary's artifact URIs. */
  localPaths: Record<string, string>;
}

export function validateExecutionName(name: string): string {
  return asUsageError(() => checkExecutionName(name));
}

/** The pure checks' errors, as the local CLI reports them. */
function asUsageError<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof InvalidExecutionInputError) throw new UsageError(error.message);
    throw error;
  }
}

/** Checks the execution input's keys and values before anything runs, naming each bad one. */
export function validateExecutionInput(input: Record<string, JsonValue>): Record<string, JsonValue> {
  return asUsageError(() => checkExecutionInput(input));
}

/** Claims the run directory; an existing one means the execution name is taken. */
async function claimRunDirectory(layout: WorkdirLayout, executionName: string): Promise<string> {
  const runDir = join(layout.runs, executionName);
  await mkdir(layout.runs, { recursive: true });
  try {
    await mkdir(runDir);
  } catch (error) {
    if (!isErrno(error, "EEXIST")) throw error;
    const earlier = await readJsonIfExists<{ status?: string }>(join(runDir, "summary.json"));
    throw new UsageError(
      `An execution named "${executionName}" already exists in ${runDir}` +
        (earlier?.status ? ` (status ${earlier.status})` : "") +
        "; its artifacts are kept. Give a new name with --execution-name, or leave the flag out for a fresh " +
        "default name.",
    );
  }
  return runDir;
}

/** The source SQL and its content-addressed key in the local S3 (uploaded once the run is claimed). */
function sourceSql(): { uri: string; text: string; sha256: string } {
  const text = trainingSqlTemplate();
  const sha256 = sha256Text(text);
  return { uri: `s3://${ARTIFACT_BUCKET}/sql/training-data-${sha256.slice(0, 16)}.sql`, text, sha256 };
}

/** Settings for the run; a bad value (e.g. --max-mae 20) is a usage error naming the settings key. */
function runSettings(options: PipelineRunOptions, sqlUri: string): PipelineSettings {
  try {
    return localSettings({
      endpointName: options.endpointName,
      sqlUri,
      hyperparameters: options.hyperparameters,
      maxMae: options.maxMae,
      minImprovementOverBaseline: options.minImprovementOverBaseline,
      maxRegressionHours: options.maxRegressionHours,
      maxInvalidHitShare: options.maxInvalidHitShare,
    });
  } catch (error) {
    if (error instanceof InvalidSettingsError) throw new UsageError(error.message);
    throw error;
  }
}

export async function runPipeline(options: PipelineRunOptions): Promise<PipelineRunResult> {
  const executionName = validateExecutionName(options.executionName);
  const executionInput = validateExecutionInput(options.executionInput ?? {});
  const layout = workdirLayout(options.workdir);
  // Everything that can be checked without running is checked before the run directory is claimed.
  const sql = sourceSql();
  const settings = runSettings(options, sql.uri);
  const definition = buildPipelineDefinition(settings);
  const tasks = taskStates(definition);
  checkTaskResources(tasks);
  const faults = options.faults ?? [];
  checkFaultStates(faults, [...tasks.keys()]);
  const startedAt = new Date();
  const runDir = await claimRunDirectory(layout, executionName);
  const summaryPath = join(runDir, "summary.json");
  const historyPath = join(runDir, "history.json");
  const write = options.write ?? (() => undefined);
  const reporter = new ProgressReporter(write);
  const recorder = new StateRecorder();
  const registry = new LocalEndpointRegistry(layout.registry);
  const models = new LocalModelRegistry(layout.registry);
  // The stack's topic, locally: each notice is printed, kept in summary.json and in notifications.jsonl.
  const notices = new LocalNotices((notice) => {
    write(describeNotice(notice));
    appendFileSync(join(runDir, "notifications.jsonl"), `${JSON.stringify(notice)}\n`);
  });
  const endpointName = (executionInput["EndpointName"] as string | undefined) ?? options.endpointName;
  // Until summary.json exists, these let a later command record the run if this process is lost.
  await recordRunOwner(runDir, {
    startedAt: startedAt.toISOString(),
    endpointName,
    lineage: { sql: { uri: sql.uri, sha256: sql.sha256 }, hyperparameters: options.hyperparameters },
  });
  let outcome: ExecutionOutcome = { status: "FAILED", output: null, error: null, cause: null, events: [] };
  let lambdas: ReturnType<typeof localLambdas> | undefined;
  let jobs: LocalSageMakerJobs | undefined;
  let input: string | readonly string[] | undefined;
  let endpointCheck: ReturnType<typeof lockedEndpointCheck> | undefined;
  try {
    write(`Execution ${executionName} (workdir ${layout.root})`);
    // Content-addressed: the same SQL is the same object, a changed SQL a new one; nothing is replaced.
    await new DirectoryObjectStore(layout.s3).putIfAbsent(sql.uri, sql.text);
    await createJsonFile(join(runDir, "definition.json"), definition);
    await createJsonFile(join(runDir, "input.json"), executionInput);
    const lambdaLog = join(runDir, "lambda-logs.jsonl");
    lambdas = localLambdas({
      s3Root: layout.s3,
      input: (input = await resolveInput(options.input, runDir, write)),
      registry,
      logSink: (record) => appendFileSync(lambdaLog, `${JSON.stringify(record)}\n`),
    });
    jobs = new LocalSageMakerJobs({
      jobsRoot: layout.jobs,
      s3Root: layout.s3,
      container: options.container ?? projectContainer(),
      environment: options.jobEnvironment,
      onProgress: (progress) => reporter.onJobProgress(progress),
      signal: options.signal,
    });
    const services = { lambdas: lambdas.functions, registry, jobs, models, notices };
    const handlers: Record<string, TaskFunction> = {};
    for (const [name, state] of tasks) {
      if (!isTaskResource(state.Resource)) continue;
      let task = taskFunction(state.Resource, services);
      if (name === ENDPOINT_STATES.check) {
        endpointCheck = lockedEndpointCheck(task, {
          registryRoot: layout.registry,
          endpointName,
          executionName,
          waitMs: options.endpointLockWaitMs ?? 600_000,
          settle: () => registry.settle(endpointName),
        });
        task = endpointCheck.task;
      }
      handlers[name] = withFault(
        faults.find((fault) => fault.state === name),
        task,
      );
    }
    outcome = await execute({
      definition,
      stateMachineName: STATE_MACHINE_NAME,
      executionName,
      input: executionInput,
      tasks: handlers,
      waitMs: options.waitMs ?? 100,
      retryMs: options.retryMs ?? 100,
      onEvent: (event) => {
        appendRunEvent(runDir, event);
        reporter.onEvent(event, recorder.add(event));
      },
      signal: options.signal,
    });
  } catch (error) {
    // A failure of the runner itself (bad settings, unreadable workdir): still a recorded, failed run.
    outcome = {
      ...outcome,
      status: "FAILED",
      error: error instanceof Error ? error.name : "Error",
      cause: error instanceof Error ? error.message : String(error),
    };
    write(`■ the run could not complete: ${outcome.error}: ${outcome.cause}`);
  } finally {
    await lambdas?.close();
    // An aborted execution does not wait for its Tasks: a job stopped with it still writes its record.
    await jobs?.settled();
    // Once its change was accepted, SageMaker completes it whatever the execution did next: so does the
    // local registry, before the summary reports what the endpoint serves and the next run may deploy.
    await endpointCheck?.settleAndRelease().catch((error: unknown) => {
      write(`(the endpoint could not be settled: ${error instanceof Error ? error.message : String(error)})`);
    });
  }
  // Ended by a signal or an uncaught error (run-interruption.ts): the record names that, not its effects.
  if (options.signal?.aborted && outcome.status !== "SUCCEEDED") {
    outcome = { ...outcome, ...abortedOutcome(options.signal.reason) };
  }

  const uris = artifactUris(outcome);
  const localPaths = Object.fromEntries(
    Object.entries(uris).map(([name, uri]) => [name, localPathForS3Uri(layout.s3, uri)]),
  );
  const summary = await buildSummary({
    executionName,
    startedAt,
    outcome,
    states: recorder.records,
    ...(await summaryPlaces(layout, executionName, uris, endpointName)),
    jobs: jobs?.costs ?? [],
    training: jobs?.training ?? null,
    lineage: {
      input:
        input === undefined
          ? { paths: [], files: [], sizeBytes: 0, sha256: null, problem: "the run ended before reading it" }
          : await inputLineage(input),
      sql: { uri: sql.uri, sha256: sql.sha256 },
      hyperparameters: options.hyperparameters,
    },
    notifications: notices.published,
  });
  const modelPackage = await registerEvaluatedModel({
    registry: models,
    groupName: endpointName,
    imageUri: settings.sagemaker.imageUri,
    summary,
    data: lastStateData(outcome),
  });
  if (modelPackage) {
    summary.modelPackage = {
      arn: modelPackage.ModelPackageArn,
      version: modelPackage.ModelPackageVersion,
      status: modelPackage.ModelApprovalStatus,
    };
  }
  await createJsonFile(summaryPath, summary);
  await createJsonFile(historyPath, historyOf(outcome.events));
  let sampleRequestPath: string | null = null;
  if (localPaths["dataset"]) {
    try {
      sampleRequestPath = await writeSampleRequest(
        localPaths["dataset"],
        join(runDir, "sample-request.json"),
      );
    } catch (error) {
      // Only the curl example depends on it; the run's records are already written.
      write(`(no sample request: ${error instanceof Error ? error.message : String(error)})`);
    }
  }
  let reportPath: string | null = null;
  try {
    reportPath = await writeLocalReport({
      summary,
      definition,
      lastData: lastStateData(outcome),
      s3Root: layout.s3,
      path: join(runDir, "report.html"),
    });
  } catch (error) {
    // The report is drawn from the records already written; a drawing problem must not fail the run.
    write(`(no report: ${error instanceof Error ? error.message : String(error)})`);
  }
  return { summary, runDir, summaryPath, historyPath, sampleRequestPath, reportPath, localPaths };
}

/** A notice as the terminal shows it: the topic, the subject, the message. */
export function describeNotice(notice: Notice): string {
  return `✉ Notification to ${notice.topicArn}: ${notice.subject ?? "(no subject)"}\n  ${notice.message}`;
}

/** Where summary.json says a run's things are, and what its endpoint serves now. */
export async function summaryPlaces(
  layout: WorkdirLayout,
  executionName: string,
  uris: Record<string, string>,
  endpointName: string,
) {
  const registry = new LocalEndpointRegistry(layout.registry);
  return {
    s3Root: layout.s3,
    endpointName,
    deployment: await orNullIfMissing(registry.currentDeployment(endpointName)),
    artifacts: {
      ...uris,
      jobs: join(layout.jobs, `${executionName}-*`),
      runDir: join(layout.runs, executionName),
    },
  };
}

/** Reads a run's summary.json (for tests and the serve command). */
export async function readSummary(workdir: string, executionName: string): Promise<RunSummary> {
  return JSON.parse(
    await readFile(join(workdirLayout(workdir).runs, executionName, "summary.json"), "utf8"),
  ) as RunSummary;
}
