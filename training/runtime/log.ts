// JSON-lines logs: one object per line, `time`, `level`, `msg` first. Errors go to stderr.

export type LogFields = Record<string, unknown>;
export type LogLevel = "info" | "warn" | "error";

export function log(level: LogLevel, msg: string, fields: LogFields = {}): void {
  const line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields });
  (level === "error" ? process.stderr : process.stdout).write(`${line}\n`);
}

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
  console.log = (...args: unknown[]) => log("info", text(args), { source: "console" });
  console.info = console.log;
  console.warn = (...args: unknown[]) => log("warn", text(args), { source: "console" });
  console.error = (...args: unknown[]) => log("error", text(args), { source: "console" });
}
