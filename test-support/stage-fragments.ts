// The stage components of one stack under mocks, constructed through TrainingPipeline from the stack's
// real configuration file: each component's `fragment` is what the pure builder makes of the settings
// for the mocked references (recomputed from the recorded resources, independently of the components),
// and the three fragments are exactly the stages of the deployed definition. One stack per process.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { readStackConfigFile } from "../scripts/stack-config-file";
import type { Fragment, StateMachineDefinition } from "../components/asl/types";
import { pipelineSettingsFromConfig } from "../components/config";
import { buildModelEndpointFragment } from "../components/model-endpoint/definition";
import {
  modelEndpointProps,
  queryLoopProps,
  sageMakerStagesProps,
  STAGE_NEXT,
  START_STATES,
} from "../components/pipeline/definition";
import { TrainingPipeline } from "../components/pipeline/training-pipeline";
import { buildQueryLoopFragment } from "../components/query-loop/definition";
import { buildSageMakerStagesFragment } from "../components/sagemaker-stages/definition";
import type { PipelineSettings } from "../components/settings";
import { RecordingMocks } from "../policies/check/aws-mocks";
import { resolveOutput } from "./program";
import { json, only, referencesFromResources, TYPES } from "./stack-inspection";

export function describeStageFragments(stack: string): void {
  const prefix = `visit-time-${stack}`;
  describe(`${stack} stack: the stage components' fragments`, () => {
    const file = readStackConfigFile(stack);
    const mocks = new RecordingMocks(file.region);
    let fragments: { query: Fragment; jobs: Fragment; endpoint: Fragment };
    let settings: PipelineSettings;
    let deployed: StateMachineDefinition;
    before(async () => {
      await pulumi.runtime.setMocks(mocks, "visit-time-pipeline", stack, false);
      const pipeline = new TrainingPipeline(prefix, { config: file.config });
      const [query, jobs, endpoint] = await Promise.all([
        resolveOutput(pipeline.queryLoop.fragment),
        resolveOutput(pipeline.sageMakerStages.fragment),
        resolveOutput(pipeline.modelEndpoint.fragment),
        resolveOutput(pipeline.stateMachineArn),
      ]);
      fragments = { query, jobs, endpoint };
      // Read like a program run's: the pipeline is constructed directly, so it has no exports.
      const run = { mocks, outputs: {} };
      settings = pipelineSettingsFromConfig(file.config, referencesFromResources(run, prefix));
      deployed = json<StateMachineDefinition>(only(run, TYPES.stateMachine), "definition");
    });

    it("QueryLoop's is the builder's for the mocked function ARNs and the configured polling", () => {
      assert.deepEqual(
        fragments.query,
        buildQueryLoopFragment(queryLoopProps(settings, STAGE_NEXT.queryLoop)),
      );
    });

    it("SageMakerStages' is the builder's for the mocked role, image and bucket", () => {
      assert.deepEqual(
        fragments.jobs,
        buildSageMakerStagesFragment(sageMakerStagesProps(settings, STAGE_NEXT.sageMakerStages)),
      );
    });

    it("ModelEndpoint's is the builder's for the mocked functions, role and image", () => {
      assert.deepEqual(fragments.endpoint, buildModelEndpointFragment(modelEndpointProps(settings)));
    });

    it("are, with the start states, exactly the states of the deployed definition", () => {
      const { query, jobs, endpoint } = fragments;
      assert.equal(deployed.States[START_STATES.merge]?.Type, "Pass");
      assert.deepEqual(
        [query.startAt, jobs.startAt, endpoint.startAt],
        [
          (deployed.States[START_STATES.check] as { Default?: string }).Default,
          STAGE_NEXT.queryLoop,
          STAGE_NEXT.sageMakerStages,
        ],
      );
      // As Step Functions receives them: JSON, where an absent optional field (`Comment`) is no field.
      const stageStates: unknown = JSON.parse(
        JSON.stringify({ ...query.states, ...jobs.states, ...endpoint.states }),
      );
      const startStateNames: string[] = Object.values(START_STATES);
      const deployedStageStates = Object.fromEntries(
        Object.entries(deployed.States).filter(([name]) => !startStateNames.includes(name)),
      );
      assert.deepEqual(stageStates, deployedStageStates);
    });
  });
}
