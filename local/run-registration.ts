// Registers the model a run evaluated in the local model registry: its metrics (from evaluation.json),
// the gate's decision (from the state data), the names it deploys under, and the run's lineage. A run
// that ended before Evaluate wrote its evaluation has no model to register.
import type { GateOutcome } from "../contracts/model-package";
import type { LocalModelRegistry, ModelPackage, PackageMetrics } from "./model-registry";
import { field as at } from "../execution/state-data";
import type { Evaluation, RunSummary } from "./summary";

/** The gate's decision in the state data, if the gate decided. */
export function gateOutcomeOf(data: unknown): GateOutcome | null {
  const deploy = at(data, "gate", "deploy");
  const forced = at(data, "gate", "forced");
  const reason = at(data, "gate", "reason");
  return typeof deploy === "boolean" && typeof reason === "string"
    ? { deploy, forced: forced === true, reason }
    : null;
}

/** The package's metrics from evaluation.json: the model, every baseline, the best one, the champion. */
export function packageMetrics(evaluation: Evaluation): PackageMetrics {
  const [best] = Object.entries(evaluation.baselines).sort(
    ([a, x], [b, y]) => x.mae - y.mae || a.localeCompare(b),
  );
  if (!best) throw new Error("evaluation.json lists no baseline: the model cannot be registered.");
  const champion = evaluation["champion"] as
    { model_name?: unknown; mae?: unknown; rmse?: unknown } | undefined;
  return {
    model: { mae: evaluation.model.mae, rmse: evaluation.model.rmse },
    baselines: evaluation.baselines,
    bestBaseline: { name: best[0], mae: best[1].mae, rmse: best[1].rmse },
    champion:
      champion && typeof champion.model_name === "string" && typeof champion.mae === "number"
        ? { modelName: champion.model_name, mae: champion.mae, rmse: Number(champion.rmse) }
        : null,
    nTest: evaluation.n_test ?? 0,
  };
}

export interface RegistrationInputs {
  registry: LocalModelRegistry;
  groupName: string;
  imageUri: string;
  summary: RunSummary;
  /** The execution's last state data (`$.run`, `$.gate`). */
  data: unknown;
}

/**
 * Registers the run's evaluated model: completes the package the definition's Register*Model Task created
 * (its status is the gate's), or, when the run ended before that Task ran, registers it with the status
 * the gate's decision in the state data gives. Null when the run has no evaluated model.
 */
export async function registerEvaluatedModel(inputs: RegistrationInputs): Promise<ModelPackage | null> {
  const { summary, data } = inputs;
  const modelDataUrl = summary.artifacts["model"];
  const evaluationUri = summary.artifacts["evaluation"];
  const modelName = at(data, "run", "ModelName");
  const endpointConfigName = at(data, "run", "EndpointConfigName");
  if (!summary.evaluation || !modelDataUrl || !evaluationUri) return null;
  if (typeof modelName !== "string" || typeof endpointConfigName !== "string") return null;
  const input = {
    groupName: inputs.groupName,
    executionName: summary.executionName,
    modelName,
    endpointConfigName,
    imageUri: inputs.imageUri,
    modelDataUrl,
    evaluationUri,
    metrics: packageMetrics(summary.evaluation),
    lineage: summary.lineage,
    gate: gateOutcomeOf(data),
  };
  const created = await inputs.registry.findCreatedByExecution(inputs.groupName, summary.executionName);
  return created ? inputs.registry.complete(created, input) : inputs.registry.register(input);
}
