import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type BatchPart, MicroBatcher, QueueFullError } from "./micro-batcher";

/** A model of width 2 whose row for item x is [x, 10x], recording the size of every call. */
function recordingBatcher(options: { windowMs: number; maxBatch: number; maxQueued: number }) {
  const calls: number[][] = [];
  const batcher = new MicroBatcher<number[]>(options, 2, (parts, size) => {
    const items = itemsOf(parts);
    assert.equal(size, items.length);
    calls.push(items);
    return Float32Array.from(items.flatMap((x) => [x, 10 * x]));
  });
  return { batcher, calls, submit: (items: number[]) => batcher.submit(items, items.length) };
}

/** The items a batch's parts take from their sources, in order. */
const itemsOf = (parts: readonly BatchPart<number[]>[]) =>
  parts.flatMap(({ source, from, count }) => source.slice(from, from + count));

const rowsOf = (items: number[]) => Array.from(Float32Array.from(items.flatMap((x) => [x, 10 * x])));

describe("the micro-batcher", () => {
  it("predicts requests submitted within the window in one call, each caller getting its own rows", async () => {
    const { batcher, calls, submit } = recordingBatcher({ windowMs: 5, maxBatch: 64, maxQueued: 64 });
    const requests = [[1], [2, 3], [4], [5, 6, 7]];
    const answers = await Promise.all(requests.map(submit));
    assert.deepEqual(calls, [[1, 2, 3, 4, 5, 6, 7]]);
    answers.forEach((rows, i) => assert.deepEqual(Array.from(rows), rowsOf(requests[i]!)));
    assert.equal(batcher.queued, 0);
  });

  it("splits at maxBatch, also inside one request, and keeps every caller's order", async () => {
    const { calls, submit } = recordingBatcher({ windowMs: 1, maxBatch: 3, maxQueued: 100 });
    const requests = [[1, 2], [3, 4, 5, 6, 7], [8]];
    const answers = await Promise.all(requests.map(submit));
    assert.deepEqual(calls, [
      [1, 2, 3],
      [4, 5, 6],
      [7, 8],
    ]);
    answers.forEach((rows, i) => assert.deepEqual(Array.from(rows), rowsOf(requests[i]!)));
  });

  it("runs a full batch without waiting for the window", async () => {
    const { calls, submit } = recordingBatcher({ windowMs: 60_000, maxBatch: 2, maxQueued: 10 });
    const rows = await submit([4, 5]);
    assert.deepEqual(Array.from(rows), rowsOf([4, 5]));
    assert.deepEqual(calls, [[4, 5]]);
  });

  it("refuses past maxQueued, and takes requests again once the queue drained", async () => {
    const { batcher, submit } = recordingBatcher({ windowMs: 20, maxBatch: 10, maxQueued: 4 });
    const first = submit([1, 2, 3]);
    await assert.rejects(submit([4, 5]), (error: unknown) => {
      assert.ok(error instanceof QueueFullError);
      assert.match(error.message, /at capacity \(3 instances queued\): retry shortly/);
      return true;
    });
    const second = submit([4]);
    assert.equal(batcher.queued, 4);
    assert.deepEqual(Array.from(await first), rowsOf([1, 2, 3]));
    assert.deepEqual(Array.from(await second), rowsOf([4]));
    assert.deepEqual(Array.from(await submit([5, 6, 7, 8])), rowsOf([5, 6, 7, 8]));
  });

  it("fails only the requests of a batch whose model call failed, and drops their items still waiting", async () => {
    let call = 0;
    const batcher = new MicroBatcher<number[]>({ windowMs: 1, maxBatch: 2, maxQueued: 10 }, 1, (parts) => {
      call++;
      if (call === 1) throw new Error("model exploded");
      return Float32Array.from(itemsOf(parts));
    });
    const results = await Promise.allSettled(
      [[1], [2, 3, 4], [5]].map((items) => batcher.submit(items, items.length)),
    );
    assert.deepEqual(
      results.map((result) =>
        result.status === "fulfilled" ? Array.from(result.value) : String(result.reason),
      ),
      ["Error: model exploded", "Error: model exploded", [5]],
    );
    assert.equal(batcher.queued, 0);
  });

  it("names a bad option", () => {
    const run = () => new Float32Array(0);
    assert.throws(
      () => new MicroBatcher({ windowMs: -1, maxBatch: 1, maxQueued: 1 }, 1, run),
      /\[windowMs\]/,
    );
    assert.throws(() => new MicroBatcher({ windowMs: 0, maxBatch: 0, maxQueued: 1 }, 1, run), /\[maxBatch\]/);
    assert.throws(
      () => new MicroBatcher({ windowMs: 0, maxBatch: 1, maxQueued: 0.5 }, 1, run),
      /\[maxQueued\]/,
    );
  });
});
