import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { PolicyPackConfig, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { allPolicies } from "../all";
import { reportAdvisory } from "../lib/report";
import { resource } from "../testing";
import { readPolicyConfig } from "./cli";
import { evaluatePolicies, isBlocking } from "./evaluate";
import { resolvePolicyConfig } from "./policy-config";
import { parseResources } from "./resources-file";
import { formatTable } from "./table";

const CONFIG_DIR = join(__dirname, "..", "config");

const probe: ResourceValidationPolicy = {
  name: "probe-resource",
  description: "reports each resource's name and its config",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: { limit: { type: "integer", default: 3 }, names: { type: "array", default: ["a"] } },
  },
  validateResource: (args, report) => {
    if (args.name === "skip") args.notApplicable("not for this one");
    if (args.name === "boom") throw new Error("bad input");
    if (args.name === "maybe") reportAdvisory(report, "cannot tell yet");
    else report(`${args.name} ${JSON.stringify(args.getConfig())}`);
  },
};

const stackProbe: StackValidationPolicy = {
  name: "probe-stack",
  description: "reports the dependencies of every resource",
  validateStack: (args, report) => {
    for (const r of args.resources) {
      if (r.dependencies.length > 0)
        report(`depends on ${r.dependencies.map((d) => d.name).join(", ")}`, r.urn);
    }
    report("the stack as a whole");
  },
};

describe("evaluatePolicies", () => {
  it("runs resource policies with schema defaults, config overrides, advisories, not-applicable and failures", async () => {
    const resources = ["one", "skip", "boom", "maybe"].map((name) => resource("test:index:Thing", name, {}));
    const violations = await evaluatePolicies([probe], resources, { "probe-resource": { limit: 5 } });
    assert.deepEqual(
      violations.map((v) => [v.level, v.resource?.name, v.message]),
      [
        ["mandatory", "one", 'one {"limit":5,"names":["a"]}'],
        ["mandatory", "boom", "the policy failed: bad input"],
        ["advisory", "maybe", "cannot tell yet"],
      ],
    );
    assert.deepEqual(violations.map(isBlocking), [true, true, false]);
  });

  it("skips disabled policies and takes a bare level", async () => {
    const resources = [resource("test:index:Thing", "one", {})];
    assert.deepEqual(await evaluatePolicies([probe], resources, { "probe-resource": "disabled" }), []);
    const advisory = await evaluatePolicies([probe], resources, { "probe-resource": "advisory" });
    assert.equal(advisory[0]?.level, "advisory");
  });

  it("gives stack policies resources linked by dependency, and reports against a URN or the stack", async () => {
    const resources = parseResources([
      { type: "test:index:Bucket", name: "bucket", inputs: {} },
      {
        type: "test:index:Block",
        name: "block",
        inputs: {},
        dependencies: ["bucket"],
        propertyDependencies: { bucket: ["bucket"] },
      },
    ]);
    const violations = await evaluatePolicies([stackProbe], resources);
    assert.deepEqual(
      violations.map((v) => [v.level, v.resource?.name ?? "(stack)", v.message]),
      [
        ["advisory", "block", "depends on bucket"],
        ["advisory", "(stack)", "the stack as a whole"],
      ],
    );
    assert.equal(
      formatTable(violations).split("\n")[1],
      "probe-stack  block (test:index:Block)  advisory  depends on bucket",
    );
  });

  it("rejects config for unknown policies and properties, and wrongly typed values", async () => {
    await assert.rejects(
      evaluatePolicies([probe], [], { "probe-typo": "mandatory" }),
      /unknown policy "probe-typo"/,
    );
    assert.throws(
      () => resolvePolicyConfig(probe, { "probe-resource": { lmit: 1 } }),
      /unknown property "lmit" \(known: limit, names\)/,
    );
    assert.throws(
      () => resolvePolicyConfig(probe, { "probe-resource": { limit: "3" } }),
      /"limit" must be an integer/,
    );
    const fromJson = JSON.parse('{ "probe-resource": { "enforcementLevel": "strict" } }') as PolicyPackConfig;
    assert.throws(() => resolvePolicyConfig(probe, fromJson), /enforcementLevel must be one of/);
  });

  it("accepts both environment configs for every policy of the pack", () => {
    for (const environment of ["dev", "prod"]) {
      const config = readPolicyConfig(join(CONFIG_DIR, `${environment}.json`));
      assert.deepEqual(Object.keys(config).sort(), allPolicies.map((p) => p.name).sort(), environment);
      for (const policy of allPolicies) {
        assert.notEqual(
          resolvePolicyConfig(policy, config).enforcementLevel,
          "disabled",
          `${environment} ${policy.name}`,
        );
      }
    }
  });

  it("names the bad entry of a resources file", () => {
    assert.throws(
      () => parseResources([{ type: "aws:s3/bucket:Bucket", inputs: {} }]),
      /resource #1 \(aws:s3\/bucket:Bucket\): "name" \(or "urn"\) is required/,
    );
    assert.throws(() => parseResources({ resources: [] }), /expected a JSON array/);
  });
});
