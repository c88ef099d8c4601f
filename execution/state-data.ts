// Reading the pipeline's state data (`$.run`, `$.evaluation`, `$.gate`, ...) without trusting its shape:
// a failed run stops anywhere, so every path may be missing. Shared by the summary and the run report.
type Data = Record<string, unknown>;

/** The value at `path` in `data`, or undefined where any step is missing or not an object. */
export function field(data: unknown, ...path: string[]): unknown {
  let value = data;
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Data)[key];
  }
  return value;
}

/** The value when it is a non-empty string. */
export function nonEmptyText(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
