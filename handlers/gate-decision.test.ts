import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { decideDeployment, type DeployedState, GATE_EPSILON } from "./gate-decision";

const hours = fc.double({ min: 0, max: 24, noNaN: true });
const metrics = fc.record({ mae: hours, rmse: hours });
const deployedState: fc.Arbitrary<DeployedState> = fc.oneof(
  fc.constant({ kind: "none" as const }),
  fc.record({
    kind: fc.constant("evaluated" as const),
    model: fc.record({ modelName: fc.constant("m-0"), mae: hours, rmse: hours }),
  }),
  fc.record({
    kind: fc.constant("unreadable" as const),
    modelName: fc.constant("m-0"),
    problem: fc.constant("gone"),
  }),
);
const input = fc.record({
  candidate: metrics,
  deployed: deployedState,
  maxMae: fc.double({ min: 0.01, max: 24, noNaN: true }),
  maxRegressionHours: fc.double({ min: 0, max: 5, noNaN: true }),
  force: fc.boolean(),
});

describe("decideDeployment", () => {
  it("deploys iff forced, or within the maximum and not worse than deployed + allowed regression", () => {
    fc.assert(
      fc.property(input, (gate) => {
        const within = gate.candidate.mae <= gate.maxMae + GATE_EPSILON;
        const noRegression =
          gate.deployed.kind !== "evaluated" ||
          gate.candidate.mae <= gate.deployed.model.mae + gate.maxRegressionHours + GATE_EPSILON;
        assert.equal(decideDeployment(gate).deploy, gate.force || (within && noRegression));
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

  it("admits an MAE equal to a limit that floating point computes slightly below it", () => {
    const gate = {
      candidate: { mae: 0.8, rmse: 1 },
      deployed: { kind: "evaluated" as const, model: { modelName: "m-1", mae: 0.7, rmse: 1 } },
      maxMae: 2,
      maxRegressionHours: 0.1,
      force: false,
    };
    assert.ok(0.7 + 0.1 < 0.8);
    assert.equal(decideDeployment(gate).deploy, true);
  });

  it("says which rule decided, with the numbers", () => {
    const deployed = { kind: "evaluated" as const, model: { modelName: "m-1", mae: 1.2, rmse: 1.5 } };
    const base = {
      candidate: { mae: 1.6, rmse: 2 },
      deployed,
      maxMae: 2,
      maxRegressionHours: 0.25,
      force: false,
    };
    assert.deepEqual(decideDeployment(base), {
      deploy: false,
      reason:
        "rejected by the regression check: candidate MAE 1.6 h > deployed model m-1 MAE 1.2 h + allowed regression 0.25 h = 1.45 h",
    });
    assert.deepEqual(decideDeployment({ ...base, candidate: { mae: 1.3, rmse: 2 } }), {
      deploy: true,
      reason:
        "accepted: candidate MAE 1.3 h <= maximum 2 h and <= deployed model m-1 MAE 1.2 h + allowed regression 0.25 h = 1.45 h",
    });
    assert.deepEqual(decideDeployment({ ...base, candidate: { mae: 2.5, rmse: 3 } }), {
      deploy: false,
      reason: "rejected by the maximum: candidate MAE 2.5 h > maximum 2 h",
    });
    assert.deepEqual(decideDeployment({ ...base, candidate: { mae: 2.5, rmse: 3 }, force: true }), {
      deploy: true,
      reason: "forced (ForceDeploy): candidate MAE 2.5 h, maximum 2 h; gate not applied",
    });
    assert.deepEqual(decideDeployment({ ...base, deployed: { kind: "none" } }), {
      deploy: true,
      reason: "accepted by the maximum: candidate MAE 1.6 h <= maximum 2 h; no model is deployed",
    });
    assert.match(
      decideDeployment({
        ...base,
        deployed: { kind: "unreadable", modelName: "m-1", problem: "evaluation missing" },
      }).reason,
      /^accepted by the maximum only: .*deployed model m-1 has no readable evaluation \(evaluation missing\)/,
    );
  });
});
