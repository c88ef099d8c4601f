// summary.json (its format: local/README.md, "summary.json") and its rendering for the terminal: status, the model
// against the baselines, the gate's decision and reason, where the artifacts are, how to query the
// endpoint. Built from the execution's outcome, its last state data and the endpoint registry.
import type { RawHitCounts } from "../handlers/snapshot-dataset";
import { readFile } from "node:fs/promises";
import { ENDPOINT_STATES } from "../components/model-endpoint/definition";
import { formatDuration, readableCause } from "../execution/format";
import { localPathForS3Uri } from "../handlers/s3-uri";
import type { ApprovalStatus } from "../contracts/model-package";
import type { CurrentDeployment } from "./endpoint-registry";
import type { Notice } from "./notices";
import type { RunLineage } from "./lineage";
import type { ExecutionEvent, ExecutionOutcome } from "./executor";
import { isErrno } from "./json-files";
import type { StateRecord } from "./run-record";
import type { JobCost, TrainingCost } from "./sagemaker-jobs";
import { field, nonEmptyText } from "../execution/state-data";

export interface Metrics {
  mae: number;
  rmse: number;
}

export interface Evaluation {
  model: Metrics;
  baselines: Record<string, Metrics>;
  n_test?: number;
  [other: string]: unknown;
}

export interface RunSummary {
  /** ABORTED: ended by a signal (SIGINT, SIGTERM, SIGHUP) or found dead by a later command. */
  status: "SUCCEEDED" | "FAILED" | "ABORTED";
  error?: string;
  cause?: string;
  executionName: string;
  startedAt: string;
  durationMs: number;
  /** The state the run ended in (a Succeed or Fail state's name). */
  finalState: string | null;
  states: StateRecord[];
  evaluation: Evaluation | null;
  deployed: boolean;
  gateReason: string;
  endpoint: string;
  /** The model the endpoint serves after this run (this run's or an earlier one's); null if none. */
  modelVersion: string | null;
  /** How many configs the endpoint has been given, this run's included; null without an endpoint. */
  endpointVersion: number | null;
  artifacts: Record<string, string>;
  /** Per SageMaker job: wall time and (locally) the job process's peak RSS. */
  jobs: JobCost[];
  /** The training job's throughput, epochs, backend and fitting time; null when no training finished. */
  training: TrainingCost | null;
  /** Input files, SQL, dataset snapshot, hyperparameters and backend of the model. */
  lineage: RunLineage;
  /** The evaluated model's entry in the model registry; null when the run evaluated no model. */
  modelPackage: { arn: string; version: number; status: ApprovalStatus } | null;
  /** What the run published to the stack's topic (the notice of a rejected model), in order. */
  notifications: Notice[];
}

/** The latest state data the execution had: its output, else the input of the last state it entered. */
export function lastStateData(outcome: ExecutionOutcome): unknown {
  if (outcome.output !== null) return outcome.output;
  const last = [...outcome.events]
    .reverse()
    .find(
      (event): event is Extract<ExecutionEvent, { type: "StateEntered" }> => event.type === "StateEntered",
    );
  return last?.state.input;
}

export async function readEvaluation(s3Root: string, uri: string | undefined): Promise<Evaluation | null> {
  if (!uri) return null;
  try {
    const parsed = JSON.parse(await readFile(localPathForS3Uri(s3Root, uri), "utf8")) as Evaluation;
    return typeof parsed.model?.mae === "number" ? parsed : null;
  } catch (error) {
    if (isErrno(error, "ENOENT") || error instanceof SyntaxError) return null;
    throw error;
  }
}

export interface SummaryInputs {
  executionName: string;
  startedAt: Date;
  outcome: ExecutionOutcome;
  states: StateRecord[];
  s3Root: string;
  endpointName: string;
  /** The model this run would create (`$.run.ModelName`). */
  deployment: CurrentDeployment | null;
  artifacts: Record<string, string>;
  jobs: JobCost[];
  training: TrainingCost | null;
  /** What the runner knows before the execution; the snapshot and the backend come from the run. */
  lineage: Pick<RunLineage, "input" | "sql" | "hyperparameters">;
  /** The notices the run published. @default none */
  notifications?: readonly Notice[];
}

/** The dataset snapshot in the state data (SnapshotDataset's result), if the run got that far. */
export function datasetOf(data: unknown): RunLineage["dataset"] {
  const uri = nonEmptyText(field(data, "dataset", "datasetUri"));
  const sizeBytes = field(data, "dataset", "sizeBytes");
  const sha256 = nonEmptyText(field(data, "dataset", "sha256"));
  const rawHits = field(data, "dataset", "rawHits");
  return uri && typeof sizeBytes === "number" && sha256
    ? { uri, sizeBytes, sha256, rawHits: isRawHitCounts(rawHits) ? rawHits : null }
    : null;
}

function isRawHitCounts(value: unknown): value is RawHitCounts {
  return (
    typeof value === "object" &&
    value !== null &&
    ["distinct", "invalid", "duplicate", "invalidShare", "unreadableEventTime"].every(
      (key) => typeof (value as Record<string, unknown>)[key] === "number",
    )
  );
}

export async function buildSummary(inputs: SummaryInputs): Promise<RunSummary> {
  const { outcome } = inputs;
  const data = lastStateData(outcome);
  const modelName = nonEmptyText(field(data, "run", "ModelName"));
  // The endpoint's truth after the run, not the run's status: once CreateEndpoint or UpdateEndpoint was
  // accepted, the endpoint may serve this run's model although the run failed (README: Deployment truth).
  const deployed =
    inputs.states.some(
      (state) => state.name === ENDPOINT_STATES.createModel && state.status === "SUCCEEDED",
    ) &&
    modelName !== undefined &&
    inputs.deployment?.modelName === modelName;
  // The state that failed: the one a Catch routed away from, else the last one that did not succeed.
  const failed = [...inputs.states].reverse();
  const failedAt =
    failed.find((state) => state.status === "CAUGHT") ?? failed.find((state) => state.status !== "SUCCEEDED");
  const gateReason =
    nonEmptyText(field(data, "gate", "reason")) ??
    (outcome.status === "SUCCEEDED"
      ? "the quality gate did not run"
      : `the run failed in ${failedAt?.name ?? "an earlier state"} before the quality gate`);
  const finalState = [...outcome.events]
    .reverse()
    .find(
      (event): event is Extract<ExecutionEvent, { type: "StateEntered" }> => event.type === "StateEntered",
    );
  return {
    status: outcome.status === "SUCCEEDED" || outcome.status === "ABORTED" ? outcome.status : "FAILED",
    ...(outcome.error ? { error: outcome.error } : {}),
    ...(outcome.cause ? { cause: outcome.cause } : {}),
    executionName: inputs.executionName,
    startedAt: inputs.startedAt.toISOString(),
    durationMs: Date.now() - inputs.startedAt.getTime(),
    finalState: finalState?.state.name ?? null,
    states: inputs.states,
    evaluation: await readEvaluation(inputs.s3Root, nonEmptyText(field(data, "evaluation", "evaluationUri"))),
    deployed,
    gateReason,
    endpoint: inputs.endpointName,
    modelVersion: inputs.deployment?.modelName ?? null,
    endpointVersion: inputs.deployment?.version ?? null,
    artifacts: inputs.artifacts,
    jobs: inputs.jobs,
    training: inputs.training,
    lineage: {
      ...inputs.lineage,
      dataset: datasetOf(data),
      backend: inputs.training?.backend ?? null,
    },
    modelPackage: null,
    notifications: [...(inputs.notifications ?? [])],
  };
}

/** The state-data URIs worth listing as artifacts, with their local paths. */
export function artifactUris(outcome: ExecutionOutcome): Record<string, string> {
  const data = lastStateData(outcome);
  const uris: Record<string, string | undefined> = {
    queryResult: nonEmptyText(field(data, "query", "outputLocation")),
    dataset: nonEmptyText(field(data, "dataset", "datasetUri")),
    preprocessed: nonEmptyText(field(data, "preprocess", "outputUri")),
    model: nonEmptyText(field(data, "train", "modelArtifacts")),
    evaluation: nonEmptyText(field(data, "evaluation", "evaluationUri")),
  };
  return Object.fromEntries(
    Object.entries(uris).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

export { formatDuration, readableCause };

/** The evaluation as a table: the model first, then the baselines, best first. */
export function evaluationTable(evaluation: Evaluation): string[] {
  const rows: [string, Metrics][] = [
    ["model (GRU)", evaluation.model],
    ...Object.entries(evaluation.baselines ?? {}).sort((a, b) => a[1].mae - b[1].mae),
  ];
  const header = "test error, hours (circular)";
  const width = Math.max(...rows.map(([name]) => name.length), header.length);
  const bestBaseline = Object.values(evaluation.baselines ?? {}).reduce(
    (best, metrics) => Math.min(best, metrics.mae),
    Number.POSITIVE_INFINITY,
  );
  const lines = [
    `  ${header.padEnd(width)}   ${"MAE".padStart(6)}   ${"RMSE".padStart(6)}`,
    ...rows.map(
      ([name, metrics]) =>
        `  ${name.padEnd(width)}   ${metrics.mae.toFixed(3).padStart(6)}   ${metrics.rmse.toFixed(3).padStart(6)}`,
    ),
  ];
  if (Number.isFinite(bestBaseline) && bestBaseline > 0) {
    const gain = (1 - evaluation.model.mae / bestBaseline) * 100;
    lines.push(
      `  model MAE is ${Math.abs(gain).toFixed(1)}% ${gain >= 0 ? "lower" : "higher"} than the best baseline` +
        (typeof evaluation.n_test === "number" ? ` (n_test = ${evaluation.n_test})` : ""),
    );
  }
  return lines;
}

function megabytes(bytes: number): string {
  return `${Number((bytes / 1e6).toFixed(1))} MB`;
}

/** One line: which data, snapshot and SQL the model came from (digests shortened to 12 characters). */
export function lineageLine(lineage: RunLineage): string {
  const { input, dataset, sql } = lineage;
  const files = `${input.files.length} file${input.files.length === 1 ? "" : "s"}`;
  const read = input.sha256
    ? `${input.paths.join(", ")} (${files}, ${megabytes(input.sizeBytes)}, sha256 ${input.sha256.slice(0, 12)})`
    : `${input.paths.join(", ") || "no input"} (${input.problem ?? "not digested"})`;
  const hits = dataset?.rawHits;
  const counted = hits
    ? `, ${hits.distinct.toLocaleString("en-US")} hits (${hits.duplicate.toLocaleString("en-US")} duplicates ` +
      `removed, ${(Math.round(hits.invalidShare * 1000) / 10).toLocaleString("en-US")}% invalid)`
    : "";
  const snapshot = dataset
    ? ` → snapshot ${megabytes(dataset.sizeBytes)}, sha256 ${dataset.sha256.slice(0, 12)}${counted}`
    : "";
  return `Data: ${read}${snapshot}; SQL sha256 ${sql.sha256.slice(0, 12)}`;
}

export interface RenderOptions {
  workdir: string;
  summaryPath: string;
  historyPath: string;
  /** A request file for the curl example, if one could be written. */
  sampleRequestPath: string | null;
  /** report.html, if it could be written. */
  reportPath?: string | null;
  localPaths: Record<string, string>;
}

/** The final summary for the terminal. */
export function renderSummary(summary: RunSummary, options: RenderOptions): string {
  const lines: string[] = [""];
  lines.push(
    `Execution ${summary.executionName} ${summary.status} in ${formatDuration(summary.durationMs)}` +
      (summary.finalState ? ` (final state: ${summary.finalState})` : ""),
  );
  if (summary.status !== "SUCCEEDED") {
    lines.push(`  error: ${summary.error ?? "unknown"}`);
    if (summary.cause) lines.push(`  cause: ${readableCause(summary.cause)}`);
  }
  lines.push("");
  if (summary.evaluation) {
    lines.push(...evaluationTable(summary.evaluation), "");
  }
  const gateRan = summary.states.some(
    (state) => state.name === ENDPOINT_STATES.gate && state.status === "SUCCEEDED",
  );
  const deploying = summary.states.some((state) => state.name === ENDPOINT_STATES.createModel);
  // The reason is the gate's sentence (decision first, then every number); the outcome says what followed.
  const outcome = summary.deployed
    ? summary.status === "SUCCEEDED"
      ? "deployed"
      : "deployed: the run failed after the endpoint took this model"
    : deploying
      ? `the deployment failed; the endpoint serves ${summary.modelVersion ?? "no model"}`
      : "model kept, endpoint unchanged";
  if (summary.jobs.length > 0) {
    lines.push("SageMaker jobs (wall time, peak RSS of the job process):");
    for (const job of summary.jobs) {
      lines.push(
        `  ${job.jobName.padEnd(34)} ${formatDuration(Math.round(job.wallSeconds * 1000)).padStart(10)}` +
          `  ${job.peakRssMb === null ? "?" : `${job.peakRssMb} MB`}`,
      );
    }
    if (summary.training) {
      const t = summary.training;
      lines.push(
        `  training: ${t.epochs} epochs in ${t.seconds} s, ${t.samplesPerSecond} samples/s (${t.backend})`,
      );
    }
    lines.push("");
  }
  lines.push(gateRan ? `Quality gate (${outcome}): ${summary.gateReason}` : "Quality gate: not reached");
  if (summary.modelPackage) {
    lines.push(
      `Model registry: version ${summary.modelPackage.version} (${summary.modelPackage.status}), ${summary.modelPackage.arn}`,
    );
  }
  // Summaries written before notices were recorded have none.
  for (const notice of summary.notifications ?? []) {
    lines.push(`Notified ${notice.topicArn}: ${notice.subject ?? "(no subject)"}`);
  }
  lines.push(lineageLine(summary.lineage));
  lines.push(
    summary.modelVersion
      ? `Endpoint ${summary.endpoint} serves ${summary.modelVersion} (endpoint version ${summary.endpointVersion ?? "?"})`
      : `Endpoint ${summary.endpoint} does not exist yet (no run has deployed a model).`,
  );
  lines.push("", "Artifacts:");
  lines.push(`  summary      ${options.summaryPath}`);
  lines.push(`  history      ${options.historyPath}`);
  if (options.reportPath) lines.push(`  report       ${options.reportPath}   (open it in a browser)`);
  for (const [name, uri] of Object.entries(summary.artifacts)) {
    lines.push(
      `  ${name.padEnd(12)} ${uri}${options.localPaths[name] ? `\n  ${"".padEnd(12)} ${options.localPaths[name]}` : ""}`,
    );
  }
  if (summary.modelVersion) {
    lines.push("", "Serve and query the endpoint's model:");
    lines.push(`  npm run serve -- --workdir ${options.workdir} --port 8080`);
    lines.push(
      options.sampleRequestPath
        ? `  curl -s -H 'content-type: application/json' --data @${options.sampleRequestPath} http://127.0.0.1:8080/invocations`
        : `  curl -s -H 'content-type: application/json' --data '{"instances":[{"date":"YYYY-MM-DD","history":[...]}]}' http://127.0.0.1:8080/invocations`,
    );
  }
  return `${lines.join("\n")}\n`;
}
