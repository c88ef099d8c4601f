// Shared shell of every command: --help, JSON-lines logs, and on failure the reason written to the
// failure file (SageMaker shows it as the job's FailureReason) plus a non-zero exit code.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { InputError, errorMessage } from "./errors";
import { log } from "./log";

export type Options = NonNullable<ParseArgsConfig["options"]>;

export interface Command<O extends Options> {
  name: string;
  /** Full --help text. */
  help: string;
  options: O;
  run(
    values: ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: false }>>["values"],
  ): Promise<void>;
}

/** Parses the arguments; a bad flag is an InputError that names it. */
export function parseCommandArgs<O extends Options>(command: Command<O>, args: string[]) {
  try {
    return parseArgs({ args, options: command.options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new InputError(`${command.name}: ${errorMessage(error)} (see --help)`);
  }
}

/** This process's peak resident memory so far, MB (getrusage's maxrss: DuckDB's and TensorFlow's threads included). */
export const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

/** Runs a command; returns the process exit code. The reason is written to `failureFiles` when it fails. */
export async function runCommand<O extends Options>(
  command: Command<O>,
  args: string[],
  failureFiles: readonly string[] = [],
): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(`${command.help.trim()}\n`);
    return 0;
  }
  const started = Date.now();
  try {
    await command.run(parseCommandArgs(command, args));
    log("info", `${command.name} finished`, {
      entry: command.name,
      durationMs: Date.now() - started,
      peakRssMb: peakRssMb(),
    });
    return 0;
  } catch (error) {
    const reason = `${command.name} failed: ${errorMessage(error)}`;
    log("error", reason, {
      entry: command.name,
      peakRssMb: peakRssMb(),
      kind: error instanceof InputError ? "input" : "internal",
      ...(error instanceof InputError || !(error instanceof Error) ? {} : { stack: error.stack }),
    });
    for (const failureFile of failureFiles) {
      try {
        mkdirSync(dirname(failureFile), { recursive: true });
        writeFileSync(failureFile, `${reason}\n`);
      } catch (writeError) {
        log("error", `cannot write the failure file ${failureFile}: ${errorMessage(writeError)}`);
      }
    }
    return 1;
  }
}

export function parseNumberOption(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
) {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (value.trim() === "" || !Number.isFinite(number) || number < min || number > max) {
    throw new InputError(`--${name} must be a number in [${min}, ${max}], got "${value}"`);
  }
  return number;
}

export function parseIntegerOption(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
) {
  const number = parseNumberOption(name, value, fallback, min, max);
  if (Number.isInteger(number)) return number;
  throw new InputError(`--${name} must be a whole number in [${min}, ${max}], got "${value}"`);
}
