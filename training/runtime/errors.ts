/**
 * An error in the data or arguments a user supplied (as opposed to a bug): the message names the problem
 * and says what to do; entry points write it to the failure file and exit non-zero.
 */
export class InputError extends Error {
  override readonly name = "InputError";
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
