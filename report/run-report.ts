// What a run report shows, gathered from what any run leaves behind: its state records, the definition
// it ran, its last state data (job names, URIs, the gate's decision) and the objects those URIs name
// (evaluation.json, the preprocess report, model.tar.gz's metadata.json, the source SQL). The objects
// come through a reader, so that a local run (a directory) and an AWS execution (S3) share this code.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tar from "tar";
import type { StateMachineDefinition } from "../components/asl/types";
import { ENDPOINT_STATES } from "../components/model-endpoint/definition";
import type { StateRecord } from "../execution/state-records";
import { field, nonEmptyText } from "../execution/state-data";

/** Reads an object by its s3:// URI; null when it does not exist. */
export type ObjectReader = (uri: string) => Promise<Buffer | null>;

export interface Metrics {
  mae: number;
  rmse: number;
}

export interface ErrorSlice {
  key: number;
  n: number;
  model_mae: number;
  baseline_mae: number;
}

export interface ReportEvaluation {
  model: Metrics;
  baselines: Record<string, Metrics>;
  /** The model the endpoint served at Evaluate time, scored on the same test examples. */
  champion?: Metrics & { model_name: string };
  n_test?: number;
  best_baseline?: string;
  error_by_hour?: ErrorSlice[];
  error_by_weekday?: ErrorSlice[];
  cross_validation?: { folds: { fold: number; mae: number; rmse: number }[]; mean_mae: number };
}

export interface EpochPoint {
  epoch: number;
  trainLoss: number;
  validationLoss: number;
  validationMae: number;
}

export interface LearningCurves {
  /** The final model's epochs. */
  final: EpochPoint[];
  bestEpoch?: number;
  /** One curve per cross-validation fold, when cv_folds > 0. */
  folds: { fold: number; epochs: EpochPoint[]; mae: number; rmse: number }[];
}

/** What the run itself says: from summary.json locally, from the execution and its history on AWS. */
export interface RunFacts {
  where: "local" | "aws";
  executionName: string;
  status: string;
  startedAt: string;
  durationMs: number;
  error?: string;
  cause?: string;
  states: StateRecord[];
  definition: StateMachineDefinition;
  /** The execution's output, or the input of the last state it entered. */
  lastData: unknown;
  endpointName: string;
  /** The model the endpoint serves after the run, and its version, where known. */
  modelVersion?: string | null;
  endpointVersion?: number | null;
  /** Extra lineage rows (e.g. the console URL of an AWS execution). */
  links?: { label: string; value: string }[];
}

export interface RunReport extends Omit<RunFacts, "lastData"> {
  evaluation: ReportEvaluation | null;
  curves: LearningCurves | null;
  gate: { decision: string; reason: string };
  deployed: boolean;
  lineage: { label: string; value: string }[];
}

async function readJson(read: ObjectReader, uri: string | undefined): Promise<unknown> {
  if (!uri) return undefined;
  const bytes = await read(uri);
  if (!bytes) return undefined;
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    return undefined;
  }
}

/** metadata.json out of model.tar.gz (the training summary: epochs, cross-validation). */
async function modelMetadata(read: ObjectReader, uri: string | undefined): Promise<unknown> {
  if (!uri) return undefined;
  const bytes = await read(uri);
  if (!bytes) return undefined;
  const dir = mkdtempSync(join(tmpdir(), "vt-report-"));
  try {
    const archive = join(dir, "model.tar.gz");
    writeFileSync(archive, bytes);
    await tar.x({ file: archive, cwd: dir, filter: (path) => path.replace(/^\.\//, "") === "metadata.json" });
    return JSON.parse(readFileSync(join(dir, "metadata.json"), "utf8"));
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function epochPoints(value: unknown): EpochPoint[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    const point = item as Partial<EpochPoint>;
    return typeof point.epoch === "number" && typeof point.validationMae === "number"
      ? [
          {
            epoch: point.epoch,
            trainLoss: point.trainLoss ?? Number.NaN,
            validationLoss: point.validationLoss ?? Number.NaN,
            validationMae: point.validationMae,
          },
        ]
      : [];
  });
}

export function learningCurves(metadata: unknown): LearningCurves | null {
  const training = field(metadata, "training");
  const final = epochPoints(field(training, "epochs"));
  if (final.length === 0) return null;
  const folds = field(training, "crossValidation", "folds");
  const bestEpoch = field(training, "best", "epoch");
  return {
    final,
    ...(typeof bestEpoch === "number" ? { bestEpoch } : {}),
    folds: Array.isArray(folds)
      ? folds.map((fold: unknown) => ({
          fold: Number(field(fold, "fold")),
          epochs: epochPoints(field(fold, "epochs")),
          mae: Number(field(fold, "mae")),
          rmse: Number(field(fold, "rmse")),
        }))
      : [],
  };
}

function count(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "object" && value !== null) {
    return Object.values(value).reduce((sum: number, item) => sum + count(item), 0);
  }
  return 0;
}

function ran(states: readonly StateRecord[], name: string): boolean {
  return states.some((state) => state.name === name && state.status === "SUCCEEDED");
}

/** The gate's decision in words, as the terminal summary puts it. */
export function gateDecision(facts: RunFacts, deployed: boolean): { decision: string; reason: string } {
  const reason =
    nonEmptyText(field(facts.lastData, "gate", "reason")) ??
    (facts.status === "SUCCEEDED"
      ? "the quality gate did not run"
      : "the run failed before the quality gate");
  if (!ran(facts.states, ENDPOINT_STATES.gate)) return { decision: "not reached", reason };
  if (deployed) return { decision: "accepted, deployed", reason };
  if (facts.states.some((state) => state.name === ENDPOINT_STATES.createModel)) {
    // Not "endpoint unchanged": after an accepted update the endpoint may serve this model (README).
    return {
      decision: "accepted, but the deployment did not complete (the error says what the endpoint serves)",
      reason,
    };
  }
  return { decision: "rejected: model kept, endpoint unchanged", reason };
}

export async function buildRunReport(facts: RunFacts, read: ObjectReader): Promise<RunReport> {
  const data = facts.lastData;
  const sqlUri = nonEmptyText(field(data, "run", "InputFilePath"));
  const datasetUri = nonEmptyText(field(data, "dataset", "datasetUri"));
  const preprocessUri = nonEmptyText(field(data, "preprocess", "outputUri"));
  const modelUri = nonEmptyText(field(data, "train", "modelArtifacts"));
  const evaluationUri = nonEmptyText(field(data, "evaluation", "evaluationUri"));
  const [sql, preprocessReport, metadata, evaluation] = await Promise.all([
    sqlUri ? read(sqlUri) : Promise.resolve(null),
    readJson(read, preprocessUri ? `${preprocessUri.replace(/\/$/, "")}/report.json` : undefined),
    modelMetadata(read, modelUri),
    readJson(read, evaluationUri),
  ]);
  const modelName = nonEmptyText(field(data, "run", "ModelName"));
  const deployed =
    facts.status === "SUCCEEDED" && facts.states.some((state) => state.name === ENDPOINT_STATES.deployed);
  const configName = nonEmptyText(field(data, "run", "EndpointConfigName"));
  const input = field(preprocessReport, "input");
  const examples = field(preprocessReport, "examples");
  const lineage: { label: string; value: string }[] = [
    { label: "source SQL", value: sqlUri ?? "—" },
    {
      label: "source SQL sha256",
      value: sql ? createHash("sha256").update(sql).digest("hex") : "—",
    },
    { label: "dataset snapshot", value: datasetUri ?? "—" },
    { label: "dataset sha256", value: nonEmptyText(field(data, "dataset", "sha256")) ?? "—" },
    {
      label: "preprocess report",
      value: input
        ? `${count(field(input, "rows"))} daily visits read, ${count(field(input, "accepted"))} accepted, ` +
          `${count(field(input, "rejected"))} rejected, ${count(field(input, "invalidRawHits"))} raw hits broke the contract, ` +
          `${count(field(input, "duplicateRawHits"))} duplicate raw hits removed; ` +
          `examples ${Object.entries((examples ?? {}) as Record<string, unknown>)
            .map(([split, n]) => `${split} ${String(n)}`)
            .join(", ")}`
        : "—",
    },
    {
      label: "training job",
      value:
        nonEmptyText(field(data, "train", "jobName")) ??
        nonEmptyText(field(data, "run", "TrainingJobName")) ??
        "—",
    },
    { label: "model artifact", value: modelUri ?? "—" },
    {
      label: "model",
      value: modelName
        ? `${modelName}${ran(facts.states, ENDPOINT_STATES.createModel) ? "" : " (not created)"}`
        : "—",
    },
    {
      label: "endpoint config",
      value: configName
        ? `${configName}${ran(facts.states, ENDPOINT_STATES.createConfig) ? "" : " (not created)"}`
        : "—",
    },
    ...(facts.links ?? []),
  ];
  const { lastData: _lastData, ...rest } = facts;
  return {
    ...rest,
    evaluation:
      evaluation && typeof field(evaluation, "model", "mae") === "number"
        ? (evaluation as ReportEvaluation)
        : null,
    curves: learningCurves(metadata),
    gate: gateDecision(facts, deployed),
    deployed,
    lineage,
  };
}
