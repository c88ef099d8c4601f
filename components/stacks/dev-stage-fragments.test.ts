// The dev stack's QueryLoop, SageMakerStages and ModelEndpoint under mocks, from the real Pulumi.dev.yaml:
// each exposes the fragment the pure builder makes of the resolved references (see the suite).
import { describeStageFragments } from "../../test-support/stage-fragments";

describeStageFragments("dev");
