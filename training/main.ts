#!/usr/bin/env node
// The container's one executable: `main <preprocess|train|evaluate|serve> [--help]`.
// Locally: node --import tsx training/main.ts <entry>; in the image: node /opt/program/main.js <entry>.
import { buildCommands, ENTRY_NAMES, type EntryName } from "./commands";
import { runCommand } from "./runtime/entry";
import { captureConsole, log } from "./runtime/log";
import { containerPaths } from "./runtime/paths";

const USAGE = `Usage: main <${ENTRY_NAMES.join("|")}> [--help]

  preprocess   daily visits → features, time-based split, normalisation (processing job)
  train        GRU training with early stopping (training job)
  evaluate     model and baselines on the test split → evaluation.json (processing job)
  serve        the inference server: GET /ping, POST /invocations (endpoint)

Run \`main <entry> --help\` for an entry point's options, paths and environment variables.`;

const isEntryName = (value: string | undefined): value is EntryName =>
  value !== undefined && (ENTRY_NAMES as readonly string[]).includes(value);

export async function main(argv: string[], env = process.env): Promise<number> {
  const [entry, ...args] = argv;
  if (entry === undefined || entry === "--help" || entry === "-h") {
    process.stdout.write(`${USAGE}\n`);
    return entry === undefined ? 2 : 0;
  }
  const paths = containerPaths(env);
  if (!isEntryName(entry)) {
    log("error", `unknown entry point "${entry}": use one of ${ENTRY_NAMES.join(", ")}`);
    return 2;
  }
  captureConsole();
  const commands = buildCommands(paths, env);
  // The contract's failure file everywhere; processing jobs also get SageMaker's ExitMessage file.
  const processingFailure = [paths.failureFile, paths.processingMessageFile];
  switch (entry) {
    case "preprocess":
      return runCommand(commands.preprocess, args, processingFailure);
    case "train":
      return runCommand(commands.train, args, [paths.failureFile]);
    case "evaluate":
      return runCommand(commands.evaluate, args, processingFailure);
    case "serve":
      return runCommand(commands.serve, args, [paths.failureFile]);
    default: {
      const unreachable: never = entry;
      throw new Error(`unhandled entry ${String(unreachable)}`);
    }
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
