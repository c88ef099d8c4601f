// The pipeline's deployment states on the local executor and registry, without training: a SageMaker
// validation error (a model name that exists) fails at once, where it used to be retried three times
// (issue 15, finding 5); the state records say how often each state ran.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ENDPOINT_STATES } from "../../components/model-endpoint/definition";
import { LocalEndpointRegistry } from "../endpoint-registry";
import { workdirLayout } from "../runner";
import { deploy } from "./deploy";

const ENDPOINT = "visit-time-deploy";

describe("the deployment states, locally", () => {
  let root = "";
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "deploy-"));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it("does not retry CreateModel when the model name exists: SageMaker's ValidationException ends it", async () => {
    const layout = workdirLayout(root);
    const registry = new LocalEndpointRegistry(layout.registry);
    await registry.createModel({ ModelName: "taken-model", PrimaryContainer: { Image: "image:1" } });
    const { outcome, states } = await deploy({
      layout,
      registry,
      endpointName: ENDPOINT,
      start: ENDPOINT_STATES.createModel,
      deployment: {
        modelName: "taken-model",
        endpointConfigName: "taken-config",
        modelDataUrl: "s3://artifacts/runs/taken/model.tar.gz",
        evaluationUri: "s3://artifacts/runs/taken/evaluation/evaluation.json",
        executionName: "taken",
      },
      action: { kind: "promote", reason: "test" },
      waitMs: 1,
    });
    assert.equal(outcome.status, "FAILED");
    assert.equal(outcome.error, "SageMaker.AmazonSageMakerException");
    assert.match(
      outcome.cause ?? "",
      /Cannot create already existing model .*taken-model.*Error Code: ValidationException/,
    );
    assert.deepEqual(
      states.map((state) => [state.name, state.status]),
      [
        [ENDPOINT_STATES.createModel, "CAUGHT"],
        ["CheckCreateModelError", "SUCCEEDED"],
        [ENDPOINT_STATES.deploymentFailed, "FAILED"],
      ],
    );
    assert.equal(await registry.readEndpoint(ENDPOINT), null, "no endpoint was created");
  });
});
