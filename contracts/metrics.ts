// The metric lines the trainer prints (JSON log lines) and the SageMaker MetricDefinitions that parse them.
// A contract between the trainer and the training job's definition: no imports.

/** JSON keys the trainer writes its metrics under, and the SageMaker metric name of each. */
export const METRIC_KEYS = {
  trainLoss: { key: "train_loss", name: "train:loss" },
  validationLoss: { key: "val_loss", name: "validation:loss" },
  validationMae: { key: "val_mae_hours", name: "validation:mae_hours" },
  bestValidationMae: { key: "best_val_mae_hours", name: "validation:best_mae_hours" },
  cvFoldMae: { key: "cv_fold_mae_hours", name: "cv:fold_mae_hours" },
  cvMeanMae: { key: "cv_mean_mae_hours", name: "cv:mean_mae_hours" },
  /** Training throughput: examples per second through forward pass, backward pass and Adam step. */
  samplesPerSecond: { key: "samples_per_sec", name: "train:samples_per_sec" },
} as const;

export type MetricKey = (typeof METRIC_KEYS)[keyof typeof METRIC_KEYS]["key"];

/** A JSON number as JSON.stringify prints it. */
const NUMBER = "(-?[0-9]+(?:\\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)";

export const TRAINING_METRIC_DEFINITIONS: { Name: string; Regex: string }[] = Object.values(METRIC_KEYS).map(
  ({ key, name }) => ({ Name: name, Regex: `"${key}":${NUMBER}` }),
);
