// `npm run runs -- <command>`: list, show and compare the runs of a workdir; promote a registered model
// or roll the endpoint back, through the pipeline's own deployment states; prune old runs' data.
import { lostRunsLines, recoverLostRuns } from "../lost-runs";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { DEFAULT_WORKDIR, numberFlag } from "../cli";
import { exitCodeOf, runAsMain, UsageError } from "../errors";
import { DEFAULT_ENDPOINT_NAME } from "../settings";
import { findRun, loadCatalog } from "./catalog";
import { promote, rollback } from "./promote";
import { prune } from "./prune";
import { renderCompare, renderList, renderShow } from "./render";

const COMMON = `  --workdir <dir>          the runs' workdir (default ${DEFAULT_WORKDIR})
  --endpoint-name <name>   the endpoint and its model package group (default ${DEFAULT_ENDPOINT_NAME})
  --help                   this text`;

export const HELP = {
  list: `Usage: npm run runs -- list [--workdir <dir>] [--endpoint-name <name>]

One line per run, oldest first: name, status, start, duration, test MAE, the best baseline's MAE and the
model's difference to it, the gate's decision, the model package version and status, and whether the
endpoint serves the run's model (serving) or did (earlier, with the endpoint versions).

${COMMON}`,
  show: `Usage: npm run runs -- show <run> [--workdir <dir>] [--endpoint-name <name>]

One run in full: status, the gate's sentence, metrics against the baselines, lineage (every input file
with its SHA-256, the snapshot, the SQL, hyperparameters, backend), the model package and every change of
its approval status, the jobs and the artifacts.

${COMMON}`,
  compare: `Usage: npm run runs -- compare <run> <run> [--workdir <dir>] [--endpoint-name <name>]

Two runs side by side: outcome, metrics (model, each baseline, champion), hyperparameters, data (input,
snapshot and SQL digests) and durations; rows that differ are marked *.

${COMMON}`,
  promote: `Usage: npm run runs -- promote <run> --reason <text> [--workdir <dir>] [--endpoint-name <name>]

Deploys the model that <run> registered, without retraining, through the pipeline's own deployment states
(CreateModel → CreateEndpointConfig → CreateEndpoint/UpdateEndpoint → wait until InService; what exists
already is reused). The model package becomes Approved with the reason. A model the gate rejected can be
promoted: the reason says why a person overrides the gate.

  --reason <text>          why (required; kept in the model package and the deployment record)
  --wait-ms <ms>           pause of the endpoint wait loop (default 100)
${COMMON}`,
  rollback: `Usage: npm run runs -- rollback [--reason <text>] [--workdir <dir>] [--endpoint-name <name>]

Returns the endpoint to the model it served before the current one (its earlier endpoint configuration,
through the same deployment states). Two rollbacks in a row return to where they started; to go further
back, promote the run you want.

  --reason <text>          why (default "rollback"; kept in the model package and the deployment record)
  --wait-ms <ms>           pause of the endpoint wait loop (default 100)
${COMMON}`,
  prune: `Usage: npm run runs -- prune [--keep <n>] [--dry-run] [--workdir <dir>] [--endpoint-name <name>]

Frees disk and keeps every record and every model: removes the jobs' scratch (everything in a job
directory but job.json, kind.json, process.json and logs.txt), the extracted serving directories of models the endpoint
does not serve, and, for all runs but the newest <n>, their data (query result, dataset snapshot,
preprocessed examples, generated sample hits; summary.json keeps their digests). Runs in progress are
not touched.

  --keep <n>               runs whose data is kept, newest first (default 1)
  --dry-run                list what would be removed, remove nothing
${COMMON}`,
} as const;

type Command = keyof typeof HELP;
const COMMANDS = Object.keys(HELP) as Command[];

const USAGE = `Usage: npm run runs -- <${COMMANDS.join("|")}> [options]   (tsx local/runs/cli.ts)

  list                      every run: status, MAE vs baseline, gate decision, registry status, deployed
  show <run>                one run in full
  compare <run> <run>       two runs side by side
  promote <run> --reason …  deploy a registered model without retraining
  rollback                  the endpoint back to its previous model
  prune                     delete job scratch and old runs' data, keep every record and model

npm run runs -- <command> --help for each command's options.`;

const COMMON_FLAGS: FlagOptions = {
  workdir: { type: "string" },
  "endpoint-name": { type: "string" },
  help: { type: "boolean" },
};

type FlagOptions = NonNullable<ParseArgsConfig["options"]>;

/** Strict flags with positionals (the run names); an unknown flag is a usage error naming it. */
function parseCommand(
  argv: string[],
  options: FlagOptions,
  help: string,
): { args: string[]; values: Record<string, string | boolean | undefined> } {
  try {
    const parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
    return {
      args: parsed.positionals,
      values: parsed.values as Record<string, string | boolean | undefined>,
    };
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n\n${help}`);
  }
}

function expectArgs(command: Command, args: string[], count: number): void {
  if (args.length !== count) {
    throw new UsageError(
      `${command} takes ${count === 0 ? "no run name" : count === 1 ? "one run name" : `${count} run names`}, got ${args.length === 0 ? "none" : args.map((a) => `"${a}"`).join(" ")}.\n\n${HELP[command]}`,
    );
  }
}

async function runCommand(command: Command, argv: string[], out: (line: string) => void): Promise<number> {
  const { args, values } = parseCommand(
    argv,
    {
      ...COMMON_FLAGS,
      ...(command === "promote" || command === "rollback"
        ? { reason: { type: "string" }, "wait-ms": { type: "string" } }
        : {}),
      ...(command === "prune" ? { keep: { type: "string" }, "dry-run": { type: "boolean" } } : {}),
    },
    HELP[command],
  );
  if (values["help"] === true) {
    out(HELP[command]);
    return 0;
  }
  const workdir = (values["workdir"] as string | undefined) ?? DEFAULT_WORKDIR;
  const endpointName = (values["endpoint-name"] as string | undefined) ?? DEFAULT_ENDPOINT_NAME;
  lostRunsLines(await recoverLostRuns(workdir, `npm run runs -- ${command}`)).forEach((line) => out(line));
  const catalog = await loadCatalog(workdir, endpointName);
  const waitMs = numberFlag("wait-ms", values["wait-ms"] as string | undefined);
  const print = (lines: string[]) => lines.forEach((line) => out(line));
  switch (command) {
    case "list":
      expectArgs(command, args, 0);
      print(renderList(catalog));
      return 0;
    case "show":
      expectArgs(command, args, 1);
      print(renderShow(findRun(catalog, args[0] ?? "")));
      return 0;
    case "compare":
      expectArgs(command, args, 2);
      print(renderCompare(findRun(catalog, args[0] ?? ""), findRun(catalog, args[1] ?? "")));
      return 0;
    case "promote": {
      expectArgs(command, args, 1);
      const reason = (values["reason"] as string | undefined)?.trim();
      if (!reason)
        throw new UsageError(
          `promote needs --reason <text>: say why this model is deployed by hand.\n\n${HELP.promote}`,
        );
      const result = await promote(catalog, args[0] ?? "", reason, waitMs);
      print(result.lines);
      return result.ok ? 0 : 1;
    }
    case "rollback": {
      expectArgs(command, args, 0);
      const result = await rollback(
        catalog,
        (values["reason"] as string | undefined)?.trim() || "rollback",
        waitMs,
      );
      print(result.lines);
      return result.ok ? 0 : 1;
    }
    case "prune": {
      expectArgs(command, args, 0);
      const keep = numberFlag("keep", values["keep"] as string | undefined) ?? 1;
      if (!Number.isInteger(keep) || keep < 0)
        throw new UsageError(`--keep must be a whole number >= 0, got ${keep}.`);
      const dryRun = values["dry-run"] === true;
      const result = await prune(catalog, { keep, dryRun });
      for (const entry of result.removed)
        out(`${dryRun ? "would remove" : "removed"} ${entry.path} (${entry.bytes} B)`);
      out(
        `${dryRun ? "Would free" : "Freed"} ${(result.freedBytes / 1e6).toFixed(1)} MB in ${result.removed.length} paths; every record and model is kept.`,
      );
      return 0;
    }
    default: {
      const unknown: never = command;
      throw new Error(`Unhandled command ${String(unknown)}`);
    }
  }
}

export async function main(
  argv: string[],
  out: (line: string) => void = (line) => console.log(line),
): Promise<number> {
  const [command, ...rest] = argv;
  return exitCodeOf(async () => {
    if (command === undefined || command === "--help" || command === "help") {
      out(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (!(COMMANDS as string[]).includes(command)) {
      throw new UsageError(`Unknown command "${command}": use one of ${COMMANDS.join(", ")}.\n\n${USAGE}`);
    }
    return await runCommand(command as Command, rest, out);
  });
}

if (require.main === module) runAsMain(main);
