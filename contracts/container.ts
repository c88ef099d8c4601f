// The container's paths: where SageMaker mounts a job's inputs and collects its outputs, relative to the
// ML root (/opt/ml in SageMaker; a job directory locally, passed as $VT_ML_ROOT). The definition mounts
// the processing inputs and outputs here, the entry points read and write here, and the local SageMaker
// stand-in lays out its job directories the same way (docs/contracts.md, "The container").
import { posix } from "node:path";

/** SageMaker's root of every path below. */
export const ML_ROOT = "/opt/ml";

/** The training job's single input channel, mounted at `input/data/<channel>`. */
export const TRAINING_CHANNEL = "training";

/** What SageMaker lays out itself, under any job's ML root. */
export const SAGEMAKER_LAYOUT = {
  /** A training job's channels: `input/data/<channel>/`. */
  channels: "input/data",
  hyperparameters: "input/config/hyperparameters.json",
  /** A training job's model directory (packed as model.tar.gz); an endpoint's extracted model. */
  modelDir: "model",
  /** Training jobs and endpoints: SageMaker reads the failure reason from here. */
  failureFile: "output/failure",
  /** Processing jobs: SageMaker shows this file's first KB as the job's ExitMessage. */
  processingMessageFile: "output/message",
} as const;

/** The processing jobs' mounts, chosen by the definition and read by the entry points. */
export const PROCESSING_LAYOUT = {
  /** preprocess reads the daily-visits CSV file(s) here. */
  preprocessInput: "processing/input/daily-visits",
  /** preprocess writes splits, normalisation and report here. */
  preprocessOutput: "processing/output",
  /** evaluate reads model.tar.gz here. */
  evaluationModel: "processing/model",
  /** evaluate reads the champion's (the endpoint's model's) model.tar.gz here, when there is one. */
  evaluationChampion: "processing/champion",
  /** evaluate reads the preprocess output here. */
  evaluationData: "processing/input/data",
  /** evaluate writes evaluation.json here. */
  evaluationOutput: "processing/evaluation",
} as const;

/** The packed model, as SageMaker names it. */
export const MODEL_ARCHIVE = "model.tar.gz";

/** The processing mounts as SageMaker sees them (absolute, under /opt/ml): what the definition names. */
export const CONTAINER_PATHS = Object.fromEntries(
  Object.entries(PROCESSING_LAYOUT).map(([key, path]) => [key, posix.join(ML_ROOT, path)]),
) as { readonly [Key in keyof typeof PROCESSING_LAYOUT]: string };
