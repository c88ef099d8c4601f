// The Preprocess/Train/FindChampion/Evaluate builder props, from the settings they read: who runs the
// jobs, with which resources, hyperparameters and metrics, where their outputs go, and who finds the champion.
import { sageMakerCallerProps, type PipelineSettings } from "../settings";
import type { SageMakerStagesProps } from "./definition";

export function sageMakerStagesProps(settings: PipelineSettings, next: string): SageMakerStagesProps {
  return {
    ...sageMakerCallerProps(settings),
    championModelArn: settings.lambdas.championModel,
    artifactBucket: settings.storage.artifactBucket,
    preprocessing: settings.sagemaker.preprocessing,
    training: settings.sagemaker.training,
    evaluation: settings.sagemaker.evaluation,
    hyperparameters: settings.sagemaker.hyperparameters,
    metricDefinitions: settings.sagemaker.metricDefinitions,
    next,
  };
}
