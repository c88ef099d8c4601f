// `npm run definition`: prints the stack's definition as JSON, and names a stack that does not exist.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";

function runDefinition(...args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", "scripts/definition.ts", ...args], {
    encoding: "utf8",
  });
}

describe("npm run definition", () => {
  it("prints the prod definition as JSON with prod's settings", () => {
    const result = runDefinition("--stack", "prod");
    assert.equal(result.status, 0, result.stderr);
    const definition = JSON.parse(result.stdout) as {
      StartAt: string;
      TimeoutSeconds: number;
      States: Record<string, unknown>;
    };
    assert.equal(definition.StartAt, "ApplyDefaults");
    assert.equal(definition.TimeoutSeconds, 43200);
    assert.match(result.stdout, /"InstanceType": "ml\.c5\.2xlarge"/);
    assert.match(result.stdout, /"EndpointName": "visit-time-prod"/);
    // stdout is only the JSON; stderr says which of its values are placeholders.
    assert.match(result.stderr, /^\/\/ The "prod" stack's definition, with PLACEHOLDER values/);
    assert.match(result.stderr, /account 111111111111 in every ARN/);
    assert.match(
      result.stderr,
      /image 111111111111\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\/visit-time-prod-training:latest/,
    );
  });

  it("fails with the reason for an unknown stack or a missing flag", () => {
    const unknown = runDefinition("--stack", "qa");
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /No stack configuration .*Pulumi\.qa\.yaml/);
    const missing = runDefinition();
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /--stack is required/);
  });
});
