import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { captureOutput } from "../test-support/capture";
import { captureConsole, log } from "./log";

describe("JSON-lines logs", () => {
  it("write one object per line, errors to stderr", async () => {
    const { text: out } = await captureOutput(process.stdout, () =>
      log("info", "epoch", { epoch: 1, val_loss: 2.5 }),
    );
    const line = JSON.parse(out) as Record<string, unknown>;
    assert.deepEqual(Object.keys(line), ["time", "level", "msg", "epoch", "val_loss"]);
    assert.equal(out.endsWith("}\n"), true);
    const { text: err } = await captureOutput(process.stderr, () => log("error", "broken"));
    assert.equal((JSON.parse(err) as { level: string }).level, "error");
  });

  it("route library console output into the JSON log, benign warnings as info", async () => {
    const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error };
    try {
      captureConsole();
      const { text: out } = await captureOutput(process.stdout, () => {
        console.warn(
          "Orthogonal initializer is being called on a matrix with more than 2000 (3072) elements",
        );
        console.warn("something", 42);
      });
      const lines = out
        .trim()
        .split("\n")
        .map((text) => JSON.parse(text) as { level: string; msg: string; source: string });
      assert.deepEqual(
        lines.map((line) => [line.level, line.source]),
        [
          ["info", "console"],
          ["warn", "console"],
        ],
      );
      assert.equal(lines[1]?.msg, "something 42");
    } finally {
      Object.assign(console, saved);
    }
  });
});
