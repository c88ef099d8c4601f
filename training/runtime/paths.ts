// The container's paths: SageMaker's defaults under ML_ROOT = $VT_ML_ROOT or /opt/ml (docs/contracts.md).
import { join } from "node:path";

export type Env = Readonly<Record<string, string | undefined>>;

export function mlRoot(env: Env = process.env): string {
  const root = env["VT_ML_ROOT"]?.trim();
  return root ? root : "/opt/ml";
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
    preprocessInput: join(root, "processing/input/daily-visits"),
    preprocessOutput: join(root, "processing/output"),
    trainingChannel: join(root, "input/data/training"),
    hyperparameters: join(root, "input/config/hyperparameters.json"),
    modelDir: join(root, "model"),
    evaluateModelArchive: join(root, "processing/model/model.tar.gz"),
    evaluateData: join(root, "processing/input/data"),
    evaluationDir: join(root, "processing/evaluation"),
    failureFile: join(root, "output/failure"),
    processingMessageFile: join(root, "output/message"),
  };
}
