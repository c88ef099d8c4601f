import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as errors from "./errors";

const exported: Record<string, unknown> = errors;
const classes = Object.values(exported).filter(
  (value: unknown): value is new (message: string) => Error =>
    typeof value === "function" && value.prototype instanceof errors.HandlerError,
);

describe("errors", () => {
  it("has one class per documented name, each with name equal to its class name", () => {
    const names = classes.map((ErrorClass) => {
      const error = new ErrorClass("m");
      assert.equal(error.name, ErrorClass.name);
      assert.equal(error.message, "m");
      return error.name;
    });
    assert.deepEqual([...names].sort(), [...errors.HANDLER_ERROR_NAMES].sort());
  });

  it("is pure: the state machine definition imports it, so it imports nothing", () => {
    const source = readFileSync(join(__dirname, "errors.ts"), "utf8");
    assert.doesNotMatch(source, /^\s*import\s/m);
    assert.doesNotMatch(source, /require\(/);
  });

  it("keeps transient and final names apart, and documents every name in the README", () => {
    const readme = readFileSync(join(__dirname, "README.md"), "utf8");
    for (const name of [...errors.HANDLER_ERROR_NAMES, ...errors.TRANSIENT_HANDLER_ERRORS]) {
      assert.ok(readme.includes(`\`${name}\``), `${name} is not in handlers/README.md`);
    }
    for (const name of errors.HANDLER_ERROR_NAMES) {
      assert.ok(!errors.TRANSIENT_HANDLER_ERRORS.includes(name), `${name} is final`);
    }
  });
});
