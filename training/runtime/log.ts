// JSON-lines logs: one object per line, `time`, `level`, `msg` first. Errors go to stderr.

export type LogFields = Record<string, unknown>;
export type LogLevel = "info" | "warn" | "error";

export function log(level: LogLevel, msg: string, fields: LogFields = {}): void {
  const line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields });
  (level === "error" ? process.stderr : process.stdout).write(`${line}\n`);
}

/**
 * Library warnings that need no action: tfjs-layers warns that initialising the GRU's 32×96 recurrent
 * kernel orthogonally "may be slow" (it takes milliseconds). Logged as info so runs do not look troubled.
 */
const BENIGN_LIBRARY_WARNINGS = [/^Orthogonal initializer is being called on a matrix with more than/];

/**
 * Libraries (TensorFlow.js) print plain text through console.warn/log; route it into the JSON log so
 * that every line of an entry point's output stays one JSON object.
 */
export function captureConsole(): void {
  const text = (args: unknown[]) =>
    args
      .map((arg) => (typeof arg === "string" ? arg : String(arg)))
      .join(" ")
      .trim();
  const warnLevel = (message: string): LogLevel =>
    BENIGN_LIBRARY_WARNINGS.some((pattern) => pattern.test(message)) ? "info" : "warn";
  console.log = (...args: unknown[]) => log("info", text(args), { source: "console" });
  console.info = console.log;
  console.warn = (...args: unknown[]) => log(warnLevel(text(args)), text(args), { source: "console" });
  console.error = (...args: unknown[]) => log("error", text(args), { source: "console" });
}
