import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { readStackConfig, SECRET_PLACEHOLDER } from "./stack-config";
import { tempDir } from "../../test-support/temp-dir";

describe("readStackConfig", () => {
  it("qualifies keys, overlays the stack on the project defaults, writes objects as JSON, hides secrets", () => {
    const dir = tempDir("stack-config-");
    writeFileSync(
      join(dir, "Pulumi.yaml"),
      "name: demo\nruntime: nodejs\nconfig:\n  pulumi:tags:\n    value:\n      project: demo\n  retries:\n    default: 3\n",
    );
    writeFileSync(
      join(dir, "Pulumi.test.yaml"),
      "config:\n  aws:region: eu-west-1\n  demo:retries: 5\n  instances:\n    training: ml.m5.large\n  demo:token:\n    secure: AAABAxyz\n",
    );
    assert.deepEqual(readStackConfig(dir, "test"), {
      project: "demo",
      stack: "test",
      config: {
        "pulumi:tags": '{"project":"demo"}',
        "demo:retries": "5",
        "aws:region": "eu-west-1",
        "demo:instances": '{"training":"ml.m5.large"}',
        "demo:token": SECRET_PLACEHOLDER,
      },
      secretKeys: ["demo:token"],
    });
  });

  it("names the missing file and rejects odd stack names", () => {
    const dir = tempDir("stack-config-");
    writeFileSync(join(dir, "Pulumi.yaml"), "name: demo\n");
    assert.throws(() => readStackConfig(dir, "qa"), /Pulumi\.qa\.yaml does not exist/);
    assert.throws(() => readStackConfig(dir, "../x"), /is not a stack name/);
  });
});
