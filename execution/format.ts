// Text helpers shared by the terminal views of local and AWS executions.

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * The readable part of a cause: a Lambda error's `errorMessage`, a SageMaker job's `FailureReason`, or
 * the cause as it is.
 */
export function readableCause(cause: string): string {
  try {
    const parsed: unknown = JSON.parse(cause);
    if (typeof parsed !== "object" || parsed === null) return cause;
    const fields = parsed as Record<string, unknown>;
    return text(fields["errorMessage"]) ?? text(fields["FailureReason"]) ?? cause;
  } catch {
    return cause;
  }
}
