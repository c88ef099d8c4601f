import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  baselineLimit,
  type ChampionState,
  decideDeployment,
  GATE_EPSILON,
  type GateInput,
} from "./gate-decision";

const hours = fc.double({ min: 0, max: 12, noNaN: true });
const metrics = fc.record({ mae: hours, rmse: hours });
const championState: fc.Arbitrary<ChampionState> = fc.oneof(
  fc.constant({ kind: "none" as const, endpointName: "visits" }),
  fc.record({
    kind: fc.constant("scored" as const),
    model: fc.record({ modelName: fc.constant("m-0"), mae: hours, rmse: hours }),
  }),
  fc.record({
    kind: fc.constant("unscored" as const),
    modelName: fc.constant("m-0"),
    problem: fc.constant("gone"),
  }),
);
const input: fc.Arbitrary<GateInput> = fc.record({
  candidate: metrics,
  bestBaseline: fc.record({ name: fc.constant("user_median_first_hour"), mae: hours }),
  nTest: fc.integer({ min: 1, max: 10_000 }),
  champion: championState,
  maxMae: fc.double({ min: 0.01, max: 12, noNaN: true }),
  minImprovementOverBaseline: fc.double({ min: 0, max: 0.5, noNaN: true }),
  maxRegressionHours: fc.double({ min: 0, max: 1, noNaN: true }),
  force: fc.boolean(),
});

/** The run: a 1.6 h candidate against a 1.2 h champion and a 1.662 h best baseline. */
const BASE: GateInput = {
  candidate: { mae: 1.6, rmse: 2 },
  bestBaseline: { name: "user_median_first_hour", mae: 1.662 },
  nTest: 2084,
  champion: { kind: "scored", model: { modelName: "run-1-model", mae: 1.2, rmse: 1.5 } },
  maxMae: 2,
  minImprovementOverBaseline: 0.05,
  maxRegressionHours: 0,
  force: false,
};

describe("decideDeployment", () => {
  it("deploys iff forced, or within the maximum, the baseline margin and the champion's MAE + allowance", () => {
    fc.assert(
      fc.property(input, (gate) => {
        const within = gate.candidate.mae <= gate.maxMae + GATE_EPSILON;
        const beatsBaseline = gate.candidate.mae <= baselineLimit(gate) + GATE_EPSILON;
        const champion = gate.champion;
        const noRegression =
          champion.kind === "none" ||
          (champion.kind === "scored" &&
            gate.candidate.mae <= champion.model.mae + gate.maxRegressionHours + GATE_EPSILON);
        const passed = within && beatsBaseline && noRegression;
        const decision = decideDeployment(gate);
        assert.equal(decision.deploy, gate.force || passed);
        assert.equal(decision.forced, gate.force && !passed);
      }),
    );
  });

  it("never turns an accepted model into a rejected one by lowering its MAE", () => {
    fc.assert(
      fc.property(input, fc.double({ min: 0, max: 1, noNaN: true }), (gate, fraction) => {
        const better = { ...gate, candidate: { ...gate.candidate, mae: gate.candidate.mae * fraction } };
        if (decideDeployment(gate).deploy) assert.equal(decideDeployment(better).deploy, true);
      }),
    );
  });

  it("never deploys, unforced, a candidate that loses to the best baseline or to the champion", () => {
    fc.assert(
      fc.property(input, (gate) => {
        const unforced = { ...gate, force: false };
        if (gate.candidate.mae > gate.bestBaseline.mae + GATE_EPSILON) {
          assert.equal(decideDeployment(unforced).deploy, false);
        }
        if (
          gate.champion.kind === "scored" &&
          gate.candidate.mae > gate.champion.model.mae + gate.maxRegressionHours + GATE_EPSILON
        ) {
          assert.equal(decideDeployment(unforced).deploy, false);
        }
      }),
    );
  });

  it("rejects a candidate worse than the best baseline, even within the maximum and with no champion", () => {
    // The report: a model 36.3 % worse than the best baseline was accepted by the maximum.
    const decision = decideDeployment({
      ...BASE,
      candidate: { mae: 0.9027, rmse: 1.2 },
      bestBaseline: { name: "user_median_first_hour", mae: 0.6623 },
      champion: { kind: "none", endpointName: "visit-time-local" },
    });
    assert.deepEqual(decision, {
      deploy: false,
      forced: false,
      reason:
        "rejected: the candidate on 2084 test examples: its MAE 0.9027 h is within the maximum 2 h; " +
        "it is 36.3% higher than the best baseline user_median_first_hour (0.6623 h), but at least 5% " +
        "lower is required (MAE <= 0.6292 h); endpoint visit-time-local serves no model yet, so there is no " +
        "champion to beat, and it stays without a model",
    });
  });

  it("rejects a candidate slightly worse than the champion on the same split (default allowance 0)", () => {
    // The report: 0.5996 h replaced 0.5964 h, measured on different test periods.
    const decision = decideDeployment({
      ...BASE,
      candidate: { mae: 0.5996, rmse: 0.9 },
      bestBaseline: { name: "user_median_first_hour", mae: 0.8 },
      champion: { kind: "scored", model: { modelName: "run-1-model", mae: 0.5964, rmse: 0.9 } },
    });
    assert.equal(decision.deploy, false);
    assert.match(
      decision.reason,
      /^rejected: .*it is 0\.0032 h worse than the champion run-1-model \(0\.5964 h on the same 2084 test examples\), but the allowed regression is 0 h$/,
    );
  });

  it("accepts a candidate that passes every check, saying each number", () => {
    const decision = decideDeployment({ ...BASE, candidate: { mae: 1.1, rmse: 1.4 } });
    assert.deepEqual(decision, {
      deploy: true,
      forced: false,
      reason:
        "accepted: the candidate on 2084 test examples: its MAE 1.1 h is within the maximum 2 h; it is 33.8% " +
        "lower than the best baseline user_median_first_hour (1.662 h), and at least 5% lower is required " +
        "(MAE <= 1.5789 h); it is 0.1 h better than the champion run-1-model (1.2 h on the same 2084 test " +
        "examples)",
    });
  });

  it("accepts a regression within the allowance and says how much it lost", () => {
    const decision = decideDeployment({
      ...BASE,
      candidate: { mae: 1.25, rmse: 1.6 },
      maxRegressionHours: 0.1,
    });
    assert.equal(decision.deploy, true);
    assert.match(
      decision.reason,
      /it is 0\.05 h worse than the champion run-1-model .*, within the allowed regression of 0\.1 h$/,
    );
  });

  it("rejects a candidate above the maximum even if it beats the baseline and the champion", () => {
    const decision = decideDeployment({
      ...BASE,
      candidate: { mae: 2.5, rmse: 3 },
      bestBaseline: { name: "last_visit_first_hour", mae: 4 },
      champion: { kind: "scored", model: { modelName: "run-1-model", mae: 3, rmse: 3.5 } },
    });
    assert.equal(decision.deploy, false);
    assert.match(decision.reason, /^rejected: .*its MAE 2\.5 h is above the maximum 2 h;/);
  });

  it("rejects when a model is served but was not scored on this split", () => {
    const decision = decideDeployment({
      ...BASE,
      candidate: { mae: 1, rmse: 1 },
      champion: { kind: "unscored", modelName: "run-0-model", problem: "its artifacts are gone" },
    });
    assert.equal(decision.deploy, false);
    assert.match(
      decision.reason,
      /the endpoint serves run-0-model, which was not scored on this test split \(its artifacts are gone\), so it cannot be compared like for like$/,
    );
  });

  it("deploys with ForceDeploy whatever the checks say, and says that it overrode them", () => {
    const worse = decideDeployment({ ...BASE, force: true });
    assert.equal(worse.deploy, true);
    assert.equal(worse.forced, true);
    assert.match(
      worse.reason,
      /^forced by ForceDeploy although the gate rejects it: .*but the allowed regression is 0 h$/,
    );
    const fine = decideDeployment({ ...BASE, candidate: { mae: 1, rmse: 1 }, force: true });
    assert.deepEqual([fine.deploy, fine.forced], [true, false]);
    assert.match(fine.reason, /^accepted \(ForceDeploy was set, but the gate accepts it anyway\): /);
  });

  it("admits an MAE equal to a limit that floating point computes slightly below it", () => {
    const gate: GateInput = {
      ...BASE,
      candidate: { mae: 0.8, rmse: 1 },
      champion: { kind: "scored", model: { modelName: "m-1", mae: 0.7, rmse: 1 } },
      maxRegressionHours: 0.1,
    };
    assert.ok(0.7 + 0.1 < 0.8);
    assert.equal(decideDeployment(gate).deploy, true);
  });
});

/** The baseline and champion clauses of the reason, for a candidate MAE against BASE's 1.662 h baseline. */
function clauses(gate: Partial<GateInput>): string[] {
  return decideDeployment({ ...BASE, ...gate })
    .reason.split("; ")
    .slice(1);
}

describe("the gate's sentence", () => {
  it("says an improvement that meets the margin, with 'and'", () => {
    assert.equal(
      clauses({ candidate: { mae: 1.1, rmse: 1 } })[0],
      "it is 33.8% lower than the best baseline user_median_first_hour (1.662 h), and at least 5% lower is " +
        "required (MAE <= 1.5789 h)",
    );
  });

  it("says a shortfall with 'only ... lower', never 'only ... higher'", () => {
    assert.equal(
      clauses({ candidate: { mae: 1.6, rmse: 1 } })[0],
      "it is only 3.7% lower than the best baseline user_median_first_hour (1.662 h), but at least 5% lower " +
        "is required (MAE <= 1.5789 h)",
    );
    assert.equal(
      clauses({ candidate: { mae: 2.2653, rmse: 1 }, maxMae: 3 })[0],
      "it is 36.3% higher than the best baseline user_median_first_hour (1.662 h), but at least 5% lower is " +
        "required (MAE <= 1.5789 h)",
    );
  });

  it("says a tie as one, and a shortfall that rounds onto the margin with the decimals that tell them apart", () => {
    assert.equal(
      clauses({ candidate: { mae: 1.662, rmse: 1 } })[0],
      "it is as good as the best baseline user_median_first_hour (1.662 h), but at least 5% lower is required " +
        "(MAE <= 1.5789 h)",
    );
    assert.match(
      clauses({ candidate: { mae: 1.662 * (1 - 0.0496), rmse: 1 } })[0] ?? "",
      /^it is only 4\.96% lower than /,
    );
  });

  it("says what a margin of 0 requires", () => {
    assert.equal(
      clauses({ candidate: { mae: 1.662, rmse: 1 }, minImprovementOverBaseline: 0 })[0],
      "it is as good as the best baseline user_median_first_hour (1.662 h), and no higher is allowed " +
        "(MAE <= 1.662 h)",
    );
    assert.equal(
      clauses({ candidate: { mae: 1.7, rmse: 1 }, minImprovementOverBaseline: 0 })[0],
      "it is 2.3% higher than the best baseline user_median_first_hour (1.662 h), but no higher is allowed " +
        "(MAE <= 1.662 h)",
    );
  });

  it("says whether a first deployment gives the endpoint its first model or leaves it without one", () => {
    const none: ChampionState = { kind: "none", endpointName: "visit-time-dev" };
    const first = decideDeployment({ ...BASE, candidate: { mae: 1.1, rmse: 1 }, champion: none });
    assert.equal(first.deploy, true);
    assert.match(
      first.reason,
      /; endpoint visit-time-dev serves no model yet, so there is no champion to beat and this model will be its first$/,
    );
    const kept = decideDeployment({ ...BASE, champion: none });
    assert.equal(kept.deploy, false);
    assert.match(kept.reason, /^rejected: .*, and it stays without a model$/);
    const forced = decideDeployment({ ...BASE, champion: none, force: true });
    assert.match(forced.reason, /^forced by ForceDeploy .*this model will be its first$/);
  });

  it("joins every clause with the word its check's outcome calls for", () => {
    fc.assert(
      fc.property(input, (gate) => {
        const [baseline] = clauses(gate);
        const passed = gate.candidate.mae <= baselineLimit(gate) + GATE_EPSILON;
        assert.match(baseline ?? "", passed ? /, and / : /, but /);
        assert.doesNotMatch(baseline ?? "", /only [\d.]+% higher/);
        assert.equal(/ only /.test(baseline ?? ""), !passed && / lower than /.test(baseline ?? ""));
      }),
    );
  });
});
