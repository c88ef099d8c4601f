// The errors the local stand-ins throw, one class per error, each `name` equal to the error string that
// Step Functions reports for the same failure on AWS, so that the definition's Retry and Catch match them
// locally exactly as they would in the cloud. Messages never go in `cause`: the executor reports
// `error.cause ?? error.message` in its event log, and the message is what users must read.

/**
 * A `.sync` SageMaker job ended in `Failed` (or could not start). Step Functions reports this as
 * `States.TaskFailed`, with the job's Describe* response (carrying `FailureReason`) as the cause.
 */
export class TaskFailed extends Error {
  override readonly name = "States.TaskFailed";
}

/**
 * SageMaker rejected a request (`ValidationException`): a model, endpoint config or endpoint that
 * already exists, or one that a request names but does not exist. Step Functions names the error of the
 * optimized SageMaker integration `SageMaker.AmazonSageMakerException` and puts the error code in the
 * cause, in the SDK's words, as here: the definition reads it there to tell what a retry can fix
 * (components/asl/error-handling.ts).
 */
export class SageMakerValidationError extends Error {
  override readonly name = "SageMaker.AmazonSageMakerException";
  constructor(message: string) {
    super(`${message} (Service: AmazonSageMaker; Status Code: 400; Error Code: ValidationException)`);
  }
}

/** SageMaker's `ResourceInUse`: a processing or training job with this name already exists. */
/** SNS's refusal of a malformed Publish request, as the sns:publish integration names it. */
export class SnsInvalidParameter extends Error {
  override readonly name = "SNS.InvalidParameterException";
}

export class SageMakerResourceInUse extends Error {
  override readonly name = "SageMaker.ResourceInUseException";
}

/** A Task state whose Resource the local runner cannot execute. Raised before the run starts. */
export class UnsupportedResource extends Error {
  override readonly name = "UnsupportedResource";
}

/** A `lambda:invoke` of a FunctionName that no local handler serves (Lambda's own error name). */
export class LambdaFunctionNotFound extends Error {
  override readonly name = "Lambda.ResourceNotFoundException";
}

/** The error a `--fail-state` injection throws; its name is whatever the user asked for. */
export class InjectedFault extends Error {
  constructor(
    override readonly name: string,
    message: string,
  ) {
    super(message);
  }
}

/** A bad command line, execution input or workdir state, found before anything runs. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/**
 * A command's exit code: what `command` returns, or 2 after printing a usage error's message (nothing
 * ran). Other errors propagate.
 */
export async function exitCodeOf(command: () => Promise<number>): Promise<number> {
  try {
    return await command();
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`Error: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

/** Runs a CLI's main with the process's arguments and sets its exit code (1 for an unexpected error). */
export function runAsMain(main: (argv: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
