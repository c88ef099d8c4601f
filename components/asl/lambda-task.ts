// A Task that invokes one of the pipeline's Lambda handlers with the optimized integration, keeps only
// the fields the pipeline reads from its result, retries transient errors and catches the rest.
import { catchAllTo, ERROR_PATH, lambdaRetry } from "./error-handling";
import type { PolicyStatement } from "./iam";
import { lambdaInvokeResource } from "./integrations";
import type { Catcher, PayloadTemplate, TaskState } from "./types";

export interface LambdaTaskProps {
  functionArn: string;
  /** The event; `executionName` is added so that handler logs name the execution. */
  payload: PayloadTemplate;
  /** Result fields to keep, each read from the handler's result (`$.Payload.<field>`). */
  resultFields: readonly string[];
  resultPath: string;
  next: string;
  failState: string;
  /** Errors routed to a Fail state of their own, before everything else goes to `failState`. @default [] */
  namedFailures?: readonly { error: string; failState: string }[];
  /** @default 60 */
  timeoutSeconds?: number;
  comment?: string;
}

export function lambdaTask(props: LambdaTaskProps): TaskState {
  return {
    Type: "Task",
    Comment: props.comment,
    Resource: lambdaInvokeResource(),
    Parameters: {
      FunctionName: props.functionArn,
      Payload: { "executionName.$": "$$.Execution.Name", ...props.payload },
    },
    ResultSelector: Object.fromEntries(
      props.resultFields.map((field) => [`${field}.$`, `$.Payload.${field}`]),
    ),
    ResultPath: props.resultPath,
    TimeoutSeconds: props.timeoutSeconds ?? 60,
    Retry: lambdaRetry(),
    Catch: [
      ...(props.namedFailures ?? []).map(({ error, failState }): Catcher => ({
        ErrorEquals: [error],
        ResultPath: ERROR_PATH,
        Next: failState,
      })),
      ...catchAllTo(props.failState),
    ],
    Next: props.next,
  };
}

/** The state machine may invoke exactly these functions (and their versions and aliases). */
export function invokeStatement(sid: string, functionArns: readonly string[]): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: ["lambda:InvokeFunction"],
    Resource: functionArns.flatMap((functionArn) => [functionArn, `${functionArn}:*`]),
  };
}
