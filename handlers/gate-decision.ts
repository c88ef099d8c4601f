// The quality gate's rule, pure. Every comparison is like for like: the candidate, the baselines and the
// champion (the model the endpoint serves) are scored by the same Evaluate job on the same test split.
// The candidate is deployed iff ForceDeploy, or it passes all three checks:
//   1. its MAE is within the maximum (`maxMae`, an absolute bound);
//   2. it beats the best baseline by at least `minImprovementOverBaseline` (a share of the baseline's MAE);
//   3. it is not worse than the champion by more than `maxRegressionHours` (no champion: nothing to lose).
// The reason is one sentence with the decision and every number, for the summary, the logs and the
// notification of a rejection.

export interface Metrics {
  /** Mean absolute error in hours (circular). */
  readonly mae: number;
  readonly rmse: number;
}

export interface ChampionMetrics extends Metrics {
  readonly modelName: string;
}

/** What is known about the model the endpoint serves, as the Evaluate job scored it. */
export type ChampionState =
  /** The endpoint does not exist (or serves nothing): this is its first model. */
  | { readonly kind: "none"; readonly endpointName: string }
  /** The endpoint's model, scored on the candidate's test split. */
  | { readonly kind: "scored"; readonly model: ChampionMetrics }
  /** A model is deployed but was not scored on this split: no like-for-like comparison is possible. */
  | { readonly kind: "unscored"; readonly modelName: string | null; readonly problem: string };

export interface GateThresholds {
  /** Largest MAE (hours) a deployed model may have. */
  readonly maxMae: number;
  /** Share by which the candidate's MAE must be below the best baseline's (0.05: at least 5 % lower). */
  readonly minImprovementOverBaseline: number;
  /** How many hours of MAE the candidate may lose to the champion. */
  readonly maxRegressionHours: number;
}

export interface GateInput extends GateThresholds {
  readonly candidate: Metrics;
  /** The best of the baselines on the same test split. */
  readonly bestBaseline: { readonly name: string; readonly mae: number };
  /** Test examples every figure was measured on. */
  readonly nTest: number;
  readonly champion: ChampionState;
  /** Deploy whatever the checks say (the execution input's ForceDeploy). */
  readonly force: boolean;
}

export interface GateDecision {
  readonly deploy: boolean;
  /** Deployed because of ForceDeploy although a check failed. */
  readonly forced: boolean;
  readonly reason: string;
}

/** Tolerance of the comparisons, so that 0.7 + 0.1 (= 0.7999…) still admits an MAE of 0.8. */
export const GATE_EPSILON = 1e-9;

interface Check {
  readonly passed: boolean;
  readonly text: string;
}

export function hours(value: number): string {
  return `${Number(value.toFixed(4))} h`;
}

function percent(share: number): string {
  return `${Number((share * 100).toFixed(1))}%`;
}

function atMost(value: number, limit: number): boolean {
  return value <= limit + GATE_EPSILON;
}

function exhaustive(value: never): never {
  throw new Error(`Unhandled champion state ${JSON.stringify(value)}`);
}

function maximumCheck(input: GateInput): Check {
  const mae = hours(input.candidate.mae);
  return atMost(input.candidate.mae, input.maxMae)
    ? { passed: true, text: `its MAE ${mae} is within the maximum ${hours(input.maxMae)}` }
    : { passed: false, text: `its MAE ${mae} is above the maximum ${hours(input.maxMae)}` };
}

/** The candidate must be below the best baseline's MAE × (1 - minImprovementOverBaseline). */
export function baselineLimit(input: Pick<GateInput, "bestBaseline" | "minImprovementOverBaseline">): number {
  return input.bestBaseline.mae * (1 - input.minImprovementOverBaseline);
}

/** A share as a percentage, with enough decimals that it does not round onto `other` (4.96% vs 5%). */
function percentApart(share: number, other: number): string {
  for (const digits of [1, 2, 3]) {
    const text = `${Number((share * 100).toFixed(digits))}%`;
    if (share === other || text !== `${Number((other * 100).toFixed(digits))}%`) return text;
  }
  return `${share * 100}%`;
}

/**
 * The candidate against the best baseline, read for what it is: an improvement that meets the margin,
 * one that falls short ("only"), no improvement, or a candidate worse than the baseline.
 */
function baselineCheck(input: GateInput): Check {
  const { bestBaseline, candidate, minImprovementOverBaseline: margin } = input;
  const limit = baselineLimit(input);
  const passed = atMost(candidate.mae, limit);
  const baseline = `the best baseline ${bestBaseline.name} (${hours(bestBaseline.mae)})`;
  const difference = candidate.mae - bestBaseline.mae;
  // Relative to the baseline; a baseline of 0 h has no share to state.
  const by = bestBaseline.mae > 0 ? `${percentApart(Math.abs(difference) / bestBaseline.mae, margin)} ` : "";
  const relation =
    Math.abs(difference) <= GATE_EPSILON
      ? `it is as good as ${baseline}`
      : difference > 0
        ? `it is ${by}higher than ${baseline}`
        : `it is ${passed ? "" : "only "}${by}lower than ${baseline}`;
  const required =
    margin > 0
      ? `at least ${percent(margin)} lower is required (MAE <= ${hours(limit)})`
      : `no higher is allowed (MAE <= ${hours(limit)})`;
  return { passed, text: `${relation}, ${passed ? "and" : "but"} ${required}` };
}

/**
 * The candidate against the champion. With no champion the sentence says what the decision means for the
 * endpoint: its first model, or still none.
 */
function championCheck(input: GateInput, deploysWithoutChampion: boolean): Check {
  const { champion, candidate } = input;
  switch (champion.kind) {
    case "none":
      return {
        passed: true,
        text:
          `endpoint ${champion.endpointName} serves no model yet, so there is no champion to beat` +
          (deploysWithoutChampion ? " and this model will be its first" : ", and it stays without a model"),
      };
    case "unscored":
      return {
        passed: false,
        text:
          `the endpoint serves ${champion.modelName ?? "a model that no longer exists"}, which was not scored ` +
          `on this test split (${champion.problem}), so it cannot be compared like for like`,
      };
    case "scored": {
      const { model } = champion;
      const difference = candidate.mae - model.mae;
      const scored = `the champion ${model.modelName} (${hours(model.mae)} on the same ${input.nTest} test examples)`;
      if (difference < -GATE_EPSILON) {
        return { passed: true, text: `it is ${hours(-difference)} better than ${scored}` };
      }
      if (difference <= GATE_EPSILON) return { passed: true, text: `it is as good as ${scored}` };
      return atMost(candidate.mae, model.mae + input.maxRegressionHours)
        ? {
            passed: true,
            text: `it is ${hours(difference)} worse than ${scored}, within the allowed regression of ${hours(input.maxRegressionHours)}`,
          }
        : {
            passed: false,
            text: `it is ${hours(difference)} worse than ${scored}, but the allowed regression is ${hours(input.maxRegressionHours)}`,
          };
    }
    default:
      return exhaustive(champion);
  }
}

export function decideDeployment(input: GateInput): GateDecision {
  const ownChecks = [maximumCheck(input), baselineCheck(input)];
  const deploysWithoutChampion = input.force || ownChecks.every((check) => check.passed);
  const checks = [...ownChecks, championCheck(input, deploysWithoutChampion)];
  const passed = checks.every((check) => check.passed);
  const subject = `the candidate on ${input.nTest} test examples: ${checks.map((check) => check.text).join("; ")}`;
  if (input.force) {
    return {
      deploy: true,
      forced: !passed,
      reason: passed
        ? `accepted (ForceDeploy was set, but the gate accepts it anyway): ${subject}`
        : `forced by ForceDeploy although the gate rejects it: ${subject}`,
    };
  }
  return { deploy: passed, forced: false, reason: `${passed ? "accepted" : "rejected"}: ${subject}` };
}
