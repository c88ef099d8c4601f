// Where SageMaker mounts inputs and collects outputs inside the training container. The container's
// entry points read the same paths (see docs/contracts.md); the local runner lays out a job directory
// the same way.
export const CONTAINER_PATHS = {
  preprocessInput: "/opt/ml/processing/input/daily-visits",
  preprocessOutput: "/opt/ml/processing/output",
  evaluationModel: "/opt/ml/processing/model",
  evaluationData: "/opt/ml/processing/input/data",
  evaluationOutput: "/opt/ml/processing/evaluation",
} as const;

/** The training job's single input channel, mounted at /opt/ml/input/data/<channel>. */
export const TRAINING_CHANNEL = "training";
