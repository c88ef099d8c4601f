// AWS SDK errors turned into messages that say what is wrong and what to do.

export class ExecutionCliError extends Error {
  override readonly name = "ExecutionCliError";
}

function nameOf(error: unknown): string {
  return error instanceof Error ? error.name : "";
}

/** An error of an AWS call, as the CLI reports it; `subject` names what was asked for. */
export function describeAwsError(error: unknown, subject: string): Error {
  const name = nameOf(error);
  const message = error instanceof Error ? error.message : String(error);
  switch (name) {
    case "CredentialsProviderError":
      return new ExecutionCliError(
        `No AWS credentials: ${message}. Set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), ` +
          "or run `aws sso login`, then try again.",
      );
    case "ExecutionDoesNotExist":
      return new ExecutionCliError(
        `Unknown execution: ${subject} does not exist (${message}). \`npm run execution -- list\` shows ` +
          "the recent ones; check --stack and --region.",
      );
    case "StateMachineDoesNotExist":
      return new ExecutionCliError(
        `Unknown state machine: ${subject} does not exist (${message}). Is the stack deployed, and is its ` +
          "outputs file current?",
      );
    case "ExecutionAlreadyExists":
      return new ExecutionCliError(`An execution named in ${subject} already exists: choose another --name.`);
    case "InvalidArn":
    case "InvalidName":
    case "InvalidExecutionInput":
      return new ExecutionCliError(`${subject}: ${message}`);
    case "AccessDeniedException":
    case "UnrecognizedClientException":
    case "ExpiredTokenException":
      return new ExecutionCliError(
        `AWS refused the request for ${subject} (${name}): ${message}. Check the credentials' account and permissions.`,
      );
    default:
      return error instanceof Error ? error : new Error(message);
  }
}
