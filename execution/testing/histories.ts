// Execution histories shaped like the ones GetExecutionHistory returns for this pipeline (event types,
// detail fields, ids and previous ids, timestamps), for the mapper and the CLI tests.
import type { HistoryEvent } from "@aws-sdk/client-sfn";

export const REGION = "eu-west-1";
export const STATE_MACHINE_ARN = `arn:aws:states:${REGION}:123456789012:stateMachine:visit-time-dev`;
export const T0 = Date.parse("2026-11-28T10:00:00Z");

type Step =
  | ["ExecutionStarted"]
  | ["Entered", string, string]
  | ["Exited", string, string]
  | ["Scheduled", "lambda" | "sagemaker", Record<string, unknown>]
  | ["Started" | "Submitted" | "Succeeded"]
  | ["TaskFailed", string, string]
  | ["ExecutionSucceeded" | "ExecutionAborted"]
  | ["ExecutionFailed", string, string];

const LAMBDA_ARN = `arn:aws:lambda:${REGION}:123456789012:function:visit-time-dev-start-query`;

/** Builds the events; each step is one second after the one before. */
export function history(steps: Step[]): HistoryEvent[] {
  let resourceType = "lambda";
  let resource = "invoke";
  return steps.map((step, index): HistoryEvent => {
    const base = {
      id: index + 1,
      ...(index > 0 ? { previousEventId: index } : {}),
      timestamp: new Date(T0 + index * 1000),
    };
    switch (step[0]) {
      case "ExecutionStarted":
        return {
          ...base,
          type: "ExecutionStarted",
          executionStartedEventDetails: { input: "{}", roleArn: "arn:aws:iam::123456789012:role/states" },
        };
      case "Entered":
        return {
          ...base,
          type: `${step[1]}StateEntered` as HistoryEvent["type"],
          stateEnteredEventDetails: { name: step[2], input: "{}" },
        };
      case "Exited":
        return {
          ...base,
          type: `${step[1]}StateExited` as HistoryEvent["type"],
          stateExitedEventDetails: { name: step[2], output: "{}" },
        };
      case "Scheduled":
        resourceType = step[1];
        resource = step[1] === "lambda" ? "invoke" : "createTrainingJob.sync";
        return {
          ...base,
          type: "TaskScheduled",
          taskScheduledEventDetails: {
            resourceType,
            resource,
            region: REGION,
            parameters: JSON.stringify(step[2]),
          },
        };
      case "Started":
        return { ...base, type: "TaskStarted", taskStartedEventDetails: { resourceType, resource } };
      case "Submitted":
        return {
          ...base,
          type: "TaskSubmitted",
          taskSubmittedEventDetails: { resourceType, resource, output: "{}" },
        };
      case "Succeeded":
        return {
          ...base,
          type: "TaskSucceeded",
          taskSucceededEventDetails: { resourceType, resource, output: "{}" },
        };
      case "TaskFailed":
        return {
          ...base,
          type: "TaskFailed",
          taskFailedEventDetails: { resourceType, resource, error: step[1], cause: step[2] },
        };
      case "ExecutionSucceeded":
        return { ...base, type: "ExecutionSucceeded", executionSucceededEventDetails: { output: "{}" } };
      case "ExecutionAborted":
        return { ...base, type: "ExecutionAborted", executionAbortedEventDetails: {} };
      case "ExecutionFailed":
        return {
          ...base,
          type: "ExecutionFailed",
          executionFailedEventDetails: { error: step[1], cause: step[2] },
        };
    }
  });
}

const lambdaTask = (name: string): Step[] => [
  ["Entered", "Task", name],
  ["Scheduled", "lambda", { FunctionName: LAMBDA_ARN, Payload: {} }],
  ["Started"],
  ["Succeeded"],
  ["Exited", "Task", name],
];

const trainingScheduled: Step = ["Scheduled", "sagemaker", { TrainingJobName: "run-1-train" }];

export const SUCCEEDED: HistoryEvent[] = history([
  ["ExecutionStarted"],
  ["Entered", "Pass", "ApplyDefaults"],
  ["Exited", "Pass", "ApplyDefaults"],
  ...lambdaTask("StartQuery"),
  ["Entered", "Wait", "WaitForQuery"],
  ["Exited", "Wait", "WaitForQuery"],
  ["Entered", "Task", "Train"],
  trainingScheduled,
  ["Started"],
  ["Submitted"],
  ["Succeeded"],
  ["Exited", "Task", "Train"],
  ["Entered", "Choice", "DeployApproved"],
  ["Exited", "Choice", "DeployApproved"],
  ["Entered", "Succeed", "ModelKept"],
  ["Exited", "Succeed", "ModelKept"],
  ["ExecutionSucceeded"],
]);

const TRAINING_CAUSE = JSON.stringify({
  TrainingJobName: "run-1-train",
  TrainingJobStatus: "Failed",
  FailureReason: "AlgorithmError: zero usable examples in /opt/ml/input/data/training",
});

export const CAUGHT_FAILURE: HistoryEvent[] = history([
  ["ExecutionStarted"],
  ["Entered", "Task", "Train"],
  trainingScheduled,
  ["Started"],
  ["Submitted"],
  ["TaskFailed", "States.TaskFailed", TRAINING_CAUSE],
  ["Exited", "Task", "Train"],
  ["Entered", "Fail", "TrainingFailed"],
  ["ExecutionFailed", "States.TaskFailed", TRAINING_CAUSE],
]);

export const RETRIED: HistoryEvent[] = history([
  ["ExecutionStarted"],
  ["Entered", "Task", "StartQuery"],
  ["Scheduled", "lambda", { FunctionName: LAMBDA_ARN, Payload: {} }],
  ["Started"],
  ["TaskFailed", "Lambda.TooManyRequestsException", "Rate exceeded"],
  ["Scheduled", "lambda", { FunctionName: LAMBDA_ARN, Payload: {} }],
  ["Started"],
  ["Succeeded"],
  ["Exited", "Task", "StartQuery"],
  ["Entered", "Succeed", "Deployed"],
  ["Exited", "Succeed", "Deployed"],
  ["ExecutionSucceeded"],
]);

export const ABORTED: HistoryEvent[] = history([
  ["ExecutionStarted"],
  ["Entered", "Task", "Train"],
  trainingScheduled,
  ["Started"],
  ["Submitted"],
  ["ExecutionAborted"],
]);

const ROLLBACK_CAUSE =
  "Endpoint visit-time-dev is InService with run-0-config instead of run-1-config: the update was rolled back (health check failed)";

export const ROLLED_BACK: HistoryEvent[] = history([
  ["ExecutionStarted"],
  ...lambdaTask("EndpointStatus"),
  ["Entered", "Choice", "EndpointInService"],
  ["Exited", "Choice", "EndpointInService"],
  ["Entered", "Pass", "DescribeEndpointRollback"],
  ["Exited", "Pass", "DescribeEndpointRollback"],
  ["Entered", "Fail", "DeploymentFailed"],
  ["ExecutionFailed", "EndpointUpdateRolledBack", ROLLBACK_CAUSE],
]);

/** A long history: the query loop polled `polls` times before the run succeeded. */
export function longHistory(polls: number): HistoryEvent[] {
  const loop: Step[] = [];
  for (let i = 0; i < polls; i += 1) {
    loop.push(
      ["Entered", "Wait", "WaitForQuery"],
      ["Exited", "Wait", "WaitForQuery"],
      ...lambdaTask("GetQueryStatus"),
    );
  }
  return history([
    ["ExecutionStarted"],
    ...loop,
    ["Entered", "Succeed", "ModelKept"],
    ["Exited", "Succeed", "ModelKept"],
    ["ExecutionSucceeded"],
  ]);
}
