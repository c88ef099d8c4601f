import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { compileWat, MATVEC } from "../../scripts/build-wasm";
import { normal, seededRandom } from "../core/random";
import { randomBatch } from "../test-support/batches";
import { initBackend } from "./backend";
import { FusedGruModel } from "./fused-gru";
import { GruInference } from "./gru-inference";
import { type GruDims, type GruParams, PARAM_NAMES, paramShapes } from "./gru-params";
import { MATVEC_WASM_BASE64 } from "./matvec-wasm";

function randomParams(dims: GruDims, seed: number): GruParams {
  const random = seededRandom(seed);
  const shapes = paramShapes(dims);
  return Object.fromEntries(
    PARAM_NAMES.map((name) => [
      name,
      Float32Array.from({ length: shapes[name].reduce((a, b) => a * b, 1) }, () => 0.5 * normal(random)),
    ]),
  ) as unknown as GruParams;
}

describe("the inference forward pass (WebAssembly)", () => {
  // Units 32 (whole vectors, 16-column blocks), 6 (padded to 8), 1; widths that are not multiples of 4.
  const cases: [GruDims, number][] = [
    [{ stepWidth: 34, currentWidth: 10, units: 32, denseUnits: 32 }, 14],
    [{ stepWidth: 4, currentWidth: 3, units: 6, denseUnits: 5 }, 3],
    [{ stepWidth: 5, currentWidth: 1, units: 1, denseUnits: 7 }, 2],
  ];
  for (const [dims, steps] of cases) {
    for (const gate of ["sigmoid", "hardSigmoid"] as const) {
      it(`predicts what the TF.js fused model predicts (${dims.units} units, ${gate} gates)`, async () => {
        await initBackend();
        const params = randomParams(dims, dims.units);
        const fused = new FusedGruModel(dims, params, gate);
        const fast = new GruInference(dims, params, gate);
        try {
          for (const size of [1, 9, 300]) {
            const batch = randomBatch(size, size, dims, steps);
            // Exact zeros (skipped by the kernel) as in one-hot columns and padded steps.
            batch.sequence.forEach((_, i) => {
              if (i % 3 === 0) batch.sequence[i] = 0;
            });
            const expected = fused.predictProbabilities(batch);
            const actual = fast.predictProbabilities(batch);
            assert.equal(actual.length, size * 24);
            let worst = 0;
            expected.forEach((value, i) => (worst = Math.max(worst, Math.abs(value - actual[i]!))));
            assert.ok(worst <= 1e-5, `batch of ${size}: largest probability difference ${worst}`);
          }
        } finally {
          fused.dispose();
        }
      });
    }
  }

  it("gives each example the same probabilities alone as in a batch (the dense layers run batch-wide)", () => {
    // Micro-batching must not change an answer: a request's rows land in batches of any size and position.
    const dims = { stepWidth: 5, currentWidth: 3, units: 6, denseUnits: 7 };
    for (const gate of ["sigmoid", "hardSigmoid"] as const) {
      const model = new GruInference(dims, randomParams(dims, 7), gate);
      const size = 11;
      const steps = 4;
      const batch = randomBatch(size, 5, dims, steps);
      const together = model.predictProbabilities(batch);
      for (let b = 0; b < size; b++) {
        const sequence = new Float32Array(steps * dims.stepWidth);
        for (let t = 0; t < steps; t++) {
          const from = (t * size + b) * dims.stepWidth;
          sequence.set(batch.sequence.subarray(from, from + dims.stepWidth), t * dims.stepWidth);
        }
        const current = batch.current.slice(b * dims.currentWidth, (b + 1) * dims.currentWidth);
        const alone = model.predictProbabilities({ ...batch, size: 1, sequence, current });
        assert.deepEqual(alone, together.subarray(b * 24, (b + 1) * 24), `${gate} gates, example ${b}`);
      }
    }
  });

  it("refuses a batch of other feature widths, naming both", () => {
    const dims = { stepWidth: 4, currentWidth: 3, units: 6, denseUnits: 5 };
    const model = new GruInference(dims, randomParams(dims, 1));
    assert.throws(
      () => model.predictProbabilities(randomBatch(2, 1, { ...dims, stepWidth: 5 }, 3)),
      /batch has 5 step and 3 current features; the model takes 4 and 3/,
    );
  });

  it("runs the bytes compiled from matvec.wat (npm run build:wasm)", async () => {
    const compiled = Buffer.from(await compileWat(MATVEC.wat)).toString("base64");
    assert.equal(MATVEC_WASM_BASE64, compiled, "matvec-wasm.ts is stale: run npm run build:wasm");
    assert.match(readFileSync(require.resolve("./matvec.wat"), "utf8"), /func \(export "matvecAdd"\)/);
  });
});
