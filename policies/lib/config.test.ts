import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { PolicyConfigSchema } from "@pulumi/policy";
import { policyConfig, schemaDefaults } from "./config";

const schema: PolicyConfigSchema = {
  properties: {
    allowed: { type: "array", items: { type: "string" }, default: ["a", "b"] },
    limit: { type: "integer", default: 3 },
    note: { type: "string" },
  },
};

describe("policy config", () => {
  it("lists the schema defaults (copies, not the schema's own arrays)", () => {
    const defaults = schemaDefaults(schema);
    assert.deepEqual(defaults, { allowed: ["a", "b"], limit: 3 });
    (defaults["allowed"] as string[]).push("c");
    assert.deepEqual(schemaDefaults(schema)["allowed"], ["a", "b"]);
  });

  it("fills what the engine did not pass, keeps what it did", () => {
    const engine = (value: object) => ({ getConfig: <U extends object>() => value as U });
    assert.deepEqual(policyConfig(schema, engine({})), { allowed: ["a", "b"], limit: 3 });
    assert.deepEqual(policyConfig(schema, engine({ limit: 5, note: "x" })), {
      allowed: ["a", "b"],
      limit: 5,
      note: "x",
    });
  });
});
