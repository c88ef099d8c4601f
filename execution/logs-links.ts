// Links to the CloudWatch logs of a failed SageMaker job or Lambda function, from what the execution
// history says about the failed Task (its resource, the parameters it was scheduled with, the cause).
// SageMaker jobs log to account-wide groups, one stream per job instance, prefixed with the job name.

/** The CloudWatch console escapes its fragment's parts by turning `%` into `$25`. */
function consoleEscape(text: string): string {
  return encodeURIComponent(text).replace(/%/g, "$25");
}

export function logGroupUrl(region: string, group: string, streamPrefix?: string): string {
  const base = `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/`;
  return `${base}${consoleEscape(group)}${streamPrefix ? `$3FlogStreamNameFilter$3D${consoleEscape(streamPrefix)}` : ""}`;
}

function parse(json: string | null | undefined): Record<string, unknown> {
  if (!json) return {};
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

export interface FailedTask {
  region: string;
  /** `<resourceType>:<resource>` of the TaskScheduled event, e.g. `sagemaker:createTrainingJob.sync`. */
  resource: string | undefined;
  /** The TaskScheduled event's parameters (JSON). */
  parameters: string | undefined;
  cause: string | null;
}

/** The logs of the failed job or function, or undefined when the Task is neither. */
export function failedJobLogsUrl(task: FailedTask): string | undefined {
  const parameters = parse(task.parameters);
  const cause = parse(task.cause);
  const resource = task.resource ?? "";
  if (resource.startsWith("sagemaker:")) {
    const training = text(parameters["TrainingJobName"]) ?? text(cause["TrainingJobName"]);
    if (training) return logGroupUrl(task.region, "/aws/sagemaker/TrainingJobs", `${training}/`);
    const processing = text(parameters["ProcessingJobName"]) ?? text(cause["ProcessingJobName"]);
    if (processing) return logGroupUrl(task.region, "/aws/sagemaker/ProcessingJobs", `${processing}/`);
    return undefined;
  }
  if (resource.startsWith("lambda:")) {
    const functionName = text(parameters["FunctionName"]);
    if (!functionName) return undefined;
    // An ARN (possibly with a version or alias) or a bare name.
    const name = /:function:([^:]+)/.exec(functionName)?.[1] ?? functionName;
    return logGroupUrl(task.region, `/aws/lambda/${name}`);
  }
  return undefined;
}
