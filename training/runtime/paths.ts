// The container's paths under ML_ROOT = $VT_ML_ROOT or /opt/ml; the layout itself is the contract in
// contracts/container.ts (docs/contracts.md).
import { join } from "node:path";
import {
  MODEL_ARCHIVE,
  ML_ROOT,
  PROCESSING_LAYOUT,
  SAGEMAKER_LAYOUT,
  TRAINING_CHANNEL,
} from "../../contracts/container";

export type Env = Readonly<Record<string, string | undefined>>;

export function mlRoot(env: Env = process.env): string {
  const root = env["VT_ML_ROOT"]?.trim();
  return root ? root : ML_ROOT;
}

export interface ContainerPaths {
  root: string;
  /** preprocess reads the daily-visits CSV file(s) here. */
  preprocessInput: string;
  /** preprocess writes splits, normalisation and report here. */
  preprocessOutput: string;
  /** train reads the preprocess output (the `training` channel). */
  trainingChannel: string;
  hyperparameters: string;
  /** train writes the model here; serve reads it (model.tar.gz extracted). */
  modelDir: string;
  /** evaluate reads model.tar.gz here. */
  evaluateModelArchive: string;
  /** evaluate reads the champion's (the endpoint's model's) model.tar.gz here, when there is one. */
  evaluateChampionArchive: string;
  /** evaluate reads the preprocess output here. */
  evaluateData: string;
  evaluationDir: string;
  /** Training jobs and endpoints: SageMaker reads the failure reason from here. */
  failureFile: string;
  /** Processing jobs: SageMaker shows this file's first KB as the job's ExitMessage. */
  processingMessageFile: string;
}

export function containerPaths(env: Env = process.env): ContainerPaths {
  const root = mlRoot(env);
  return {
    root,
    preprocessInput: join(root, PROCESSING_LAYOUT.preprocessInput),
    preprocessOutput: join(root, PROCESSING_LAYOUT.preprocessOutput),
    trainingChannel: join(root, SAGEMAKER_LAYOUT.channels, TRAINING_CHANNEL),
    hyperparameters: join(root, SAGEMAKER_LAYOUT.hyperparameters),
    modelDir: join(root, SAGEMAKER_LAYOUT.modelDir),
    evaluateModelArchive: join(root, PROCESSING_LAYOUT.evaluationModel, MODEL_ARCHIVE),
    evaluateChampionArchive: join(root, PROCESSING_LAYOUT.evaluationChampion, MODEL_ARCHIVE),
    evaluateData: join(root, PROCESSING_LAYOUT.evaluationData),
    evaluationDir: join(root, PROCESSING_LAYOUT.evaluationOutput),
    failureFile: join(root, SAGEMAKER_LAYOUT.failureFile),
    processingMessageFile: join(root, SAGEMAKER_LAYOUT.processingMessageFile),
  };
}
