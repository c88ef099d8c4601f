// The quality gate's rule, pure: deploy iff `force`, or the candidate's MAE is within the maximum and not
// worse than the deployed model's MAE by more than the allowed regression. The reason names the rule that
// decided, with the numbers.

export interface Metrics {
  /** Mean absolute error in hours (circular). */
  readonly mae: number;
  readonly rmse: number;
}

export interface DeployedMetrics extends Metrics {
  readonly modelName: string;
}

/** What is known about the endpoint's current model. */
export type DeployedState =
  | { readonly kind: "none" }
  | { readonly kind: "evaluated"; readonly model: DeployedMetrics }
  /** A model is deployed but its evaluation cannot be read: the gate decides on the maximum only. */
  | { readonly kind: "unreadable"; readonly modelName: string | null; readonly problem: string };

export interface GateInput {
  readonly candidate: Metrics;
  readonly deployed: DeployedState;
  readonly maxMae: number;
  readonly maxRegressionHours: number;
  readonly force: boolean;
}

export interface GateDecision {
  readonly deploy: boolean;
  readonly reason: string;
}

/** Tolerance of the comparisons, so that 0.7 + 0.1 (= 0.7999…) still admits an MAE of 0.8. */
export const GATE_EPSILON = 1e-9;

function hours(value: number): string {
  return `${Number(value.toFixed(4))} h`;
}

function atMost(value: number, limit: number): boolean {
  return value <= limit + GATE_EPSILON;
}

function exhaustive(value: never): never {
  throw new Error(`Unhandled deployed state ${JSON.stringify(value)}`);
}

export function decideDeployment(input: GateInput): GateDecision {
  const { candidate, deployed, maxMae, maxRegressionHours } = input;
  const mae = `candidate MAE ${hours(candidate.mae)}`;
  if (input.force) {
    return {
      deploy: true,
      reason: `forced (ForceDeploy): ${mae}, maximum ${hours(maxMae)}; gate not applied`,
    };
  }
  if (!atMost(candidate.mae, maxMae)) {
    return { deploy: false, reason: `rejected by the maximum: ${mae} > maximum ${hours(maxMae)}` };
  }
  const withinMax = `${mae} <= maximum ${hours(maxMae)}`;
  switch (deployed.kind) {
    case "none":
      return { deploy: true, reason: `accepted by the maximum: ${withinMax}; no model is deployed` };
    case "unreadable":
      return {
        deploy: true,
        reason:
          `accepted by the maximum only: ${withinMax}; the deployed model ${deployed.modelName ?? "(unknown)"} ` +
          `has no readable evaluation (${deployed.problem}), so no regression check was possible`,
      };
    case "evaluated": {
      const limit = deployed.model.mae + maxRegressionHours;
      const comparison =
        `deployed model ${deployed.model.modelName} MAE ${hours(deployed.model.mae)} + allowed regression ` +
        `${hours(maxRegressionHours)} = ${hours(limit)}`;
      if (!atMost(candidate.mae, limit)) {
        return { deploy: false, reason: `rejected by the regression check: ${mae} > ${comparison}` };
      }
      return { deploy: true, reason: `accepted: ${withinMax} and <= ${comparison}` };
    }
    default:
      return exhaustive(deployed);
  }
}
