// The model registry's contract, shared by the local registry (local/model-registry.ts) and the cloud's
// SageMaker Model Package Group: which approval status a gate decision gives a model, and the
// CustomerMetadataProperties (string → string, SageMaker's limits) that carry its metrics, data and
// hyperparameters, so that a package says the same things in both places. No imports: a contract.

/**
 * One Model Package Group per endpoint, named after it: the cloud's (the endpoint stage's resource) and
 * the local registry's directory, so that promote and rollback find an endpoint's models by its name.
 */
export function modelPackageGroupNameOf(endpointName: string): string {
  return endpointName;
}

/** SageMaker's ModelApprovalStatus values. */
export const APPROVAL_STATUSES = ["PendingManualApproval", "Approved", "Rejected"] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** What the quality gate decided (its result in the state data, `$.gate`). */
export interface GateOutcome {
  readonly deploy: boolean;
  readonly forced: boolean;
  readonly reason: string;
}

/**
 * A registered model waits for a decision (PendingManualApproval) until the gate gives one: Approved when
 * it deploys the model (forced or not), Rejected when it keeps the endpoint's model. A person may later
 * approve a rejected model by promoting it (`npm run runs -- promote`).
 */
export function approvalStatusOf(gate: GateOutcome | null): ApprovalStatus {
  if (gate === null) return "PendingManualApproval";
  return gate.deploy ? "Approved" : "Rejected";
}

/**
 * SageMaker's limits (CreateModelPackage): the description at most 1024 characters, metadata keys 128 and
 * values 256 (CustomerMetadataValue), 50 keys.
 */
export const MODEL_PACKAGE_LIMITS = {
  description: 1024,
  metadataKey: 128,
  metadataValue: 256,
  metadataKeys: 50,
};

/** Cuts a text to SageMaker's limit, saying it was cut. */
export function withinLimit(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

export interface ModelPackageFacts {
  executionName: string;
  /** The candidate's test metrics and the best baseline's, on `nTest` examples. */
  mae: number;
  rmse: number;
  bestBaseline: { name: string; mae: number };
  /** The champion as scored on the same split, if there was one. */
  champion: { modelName: string; mae: number } | null;
  nTest: number;
  /** The gate's decision, when the facts come from the gate (the cloud's QualityGate); null otherwise. */
  gate: { deploy: boolean; forced: boolean } | null;
  /** The raw hits: a local path or glob; null in the cloud (the source SQL names its table). */
  input: { uri: string; sizeBytes: number | null; sha256: string | null } | null;
  sql: { uri: string; sha256: string | null };
  dataset: { uri: string; sizeBytes: number; sha256: string } | null;
  hyperparameters: Record<string, string>;
  backend: string | null;
}

/**
 * The package's CustomerMetadataProperties: one string per fact, hyperparameters as `hp.<name>`. Keys
 * beyond SageMaker's 50 are an error here (the pipeline has a dozen hyperparameters), not a silent cut.
 */
export function modelPackageMetadata(facts: ModelPackageFacts): Record<string, string> {
  const entries: [string, string | number | null][] = [
    ["executionName", facts.executionName],
    ["mae", facts.mae],
    ["rmse", facts.rmse],
    ["bestBaseline", facts.bestBaseline.name],
    ["bestBaselineMae", facts.bestBaseline.mae],
    ["championModel", facts.champion?.modelName ?? null],
    ["championMae", facts.champion?.mae ?? null],
    ["nTest", facts.nTest],
    ["gateDeploy", facts.gate === null ? null : String(facts.gate.deploy)],
    ["gateForced", facts.gate === null ? null : String(facts.gate.forced)],
    ["inputUri", facts.input?.uri ?? null],
    ["inputSizeBytes", facts.input?.sizeBytes ?? null],
    ["inputSha256", facts.input?.sha256 ?? null],
    ["sqlUri", facts.sql.uri],
    ["sqlSha256", facts.sql.sha256],
    ["datasetUri", facts.dataset?.uri ?? null],
    ["datasetSizeBytes", facts.dataset?.sizeBytes ?? null],
    ["datasetSha256", facts.dataset?.sha256 ?? null],
    ["backend", facts.backend],
    ...Object.entries(facts.hyperparameters).map(([name, value]): [string, string] => [`hp.${name}`, value]),
  ];
  const present = entries.filter((entry): entry is [string, string | number] => entry[1] !== null);
  if (present.length > MODEL_PACKAGE_LIMITS.metadataKeys) {
    throw new Error(
      `A model package takes at most ${MODEL_PACKAGE_LIMITS.metadataKeys} metadata properties; ` +
        `these facts make ${present.length}: fewer hyperparameters, or fewer facts.`,
    );
  }
  return Object.fromEntries(
    present.map(([key, value]) => [
      withinLimit(key, MODEL_PACKAGE_LIMITS.metadataKey),
      withinLimit(String(value), MODEL_PACKAGE_LIMITS.metadataValue),
    ]),
  );
}
