// Structured JSON logs: one line per event, always with the handler and the execution name.

/** Where log records go: stdout (CloudWatch) by default, anything in-process for the local runner. */
export type LogSink = (record: Readonly<Record<string, unknown>>) => void;

export const stdoutSink: LogSink = (record) => {
  console.log(JSON.stringify(record));
};

export type LogLevel = "info" | "warn" | "error";

export interface Logger {
  log(level: LogLevel, message: string, fields?: Readonly<Record<string, unknown>>): void;
}

export function createLogger(sink: LogSink, handler: string, executionName: string | undefined): Logger {
  return {
    log(level, message, fields = {}) {
      sink({
        time: new Date().toISOString(),
        level,
        handler,
        executionName: executionName ?? null,
        message,
        ...fields,
      });
    },
  };
}
