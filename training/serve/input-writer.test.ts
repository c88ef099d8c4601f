import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { allocateInputBatch } from "../features/window-writer";
import type { InputBatch } from "../model/batch";
import { InputBatchWriter } from "./input-writer";

/** Inputs of `size` rows whose every value names its row: row r of request `id` holds id * 1000 + r. */
function labelledInputs(id: number, size: number, steps: number): InputBatch {
  const inputs = allocateInputBatch(size, steps);
  const { stepWidth: f, currentWidth: c } = inputs;
  for (let r = 0; r < size; r++) {
    for (let t = 0; t < steps; t++)
      inputs.sequence.fill(id * 1000 + r, (t * size + r) * f, (t * size + r + 1) * f);
    inputs.current.fill(id * 1000 + r, r * c, (r + 1) * c);
  }
  return inputs;
}

/** The row labels of a batch, checking that every value of a row (each step and current) agrees. */
function rowLabels(batch: InputBatch): number[] {
  const { size, steps, stepWidth: f, currentWidth: c } = batch;
  return Array.from({ length: size }, (_, b) => {
    const label = batch.current[b * c]!;
    for (let k = 0; k < c; k++) assert.equal(batch.current[b * c + k], label, `row ${b}, current ${k}`);
    for (let t = 0; t < steps; t++) {
      for (let k = 0; k < f; k++)
        assert.equal(batch.sequence[(t * size + b) * f + k], label, `row ${b}, step ${t}`);
    }
    return label;
  });
}

describe("the batch writer of the micro-batcher", () => {
  it("lays out row ranges of several requests one after another, time-major", () => {
    const writer = new InputBatchWriter(8, 3);
    const first = labelledInputs(1, 4, 3);
    const second = labelledInputs(2, 5, 3);
    const batch = writer.write(
      [
        { source: first, from: 2, count: 2 },
        { source: second, from: 0, count: 3 },
      ],
      5,
    );
    assert.equal(batch.size, 5);
    assert.deepEqual(rowLabels(batch), [1002, 1003, 2000, 2001, 2002]);
    // The reused arrays, then a smaller batch in them.
    const next = writer.write([{ source: second, from: 3, count: 2 }], 2);
    assert.deepEqual(rowLabels(next), [2003, 2004]);
  });

  it("passes on a request that makes the batch alone, and copies part of one", () => {
    const writer = new InputBatchWriter(8, 3);
    const inputs = labelledInputs(3, 6, 3);
    assert.equal(writer.write([{ source: inputs, from: 0, count: 6 }], 6), inputs);
    const part = writer.write([{ source: inputs, from: 0, count: 4 }], 4);
    assert.notEqual(part, inputs);
    assert.deepEqual(rowLabels(part), [3000, 3001, 3002, 3003]);
  });

  it("refuses a batch over its capacity and inputs of another shape", () => {
    const writer = new InputBatchWriter(4, 3);
    const inputs = labelledInputs(1, 6, 3);
    assert.throws(
      () => writer.write([{ source: inputs, from: 0, count: 5 }], 5),
      /a batch of 5 does not fit the writer's 4 rows/,
    );
    assert.throws(
      () => writer.write([{ source: labelledInputs(1, 2, 5), from: 0, count: 2 }], 2),
      /inputs of 5 steps × \d+ and \d+ current values do not fit the batch's 3 × \d+ and \d+/,
    );
  });
});
