// `npm run policy:check -- [--stack <name>] [--resources <file>] ...`: the policy pack without the
// Pulumi CLI. Exit status: 0 no mandatory violation, 1 mandatory violation(s), 2 usage or program error.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { PolicyPackConfig } from "@pulumi/policy";
import { allPolicies } from "../all";
import { isRecord } from "../lib/json";
import { evaluatePolicies, isBlocking } from "./evaluate";
import { runProgram } from "./program";
import { readResourcesFile } from "./resources-file";
import { formatTable, summary } from "./table";

const POLICIES_DIR = resolve(__dirname, "..");
const CONFIG_DIR = join(POLICIES_DIR, "config");
const REPOSITORY_ROOT = resolve(POLICIES_DIR, "..");

const HELP = `Usage: npm run policy:check -- [--stack <name>] [--resources <file>] [--config <file>] [--program <dir>]

Checks resources against every policy of the pack (policies/), without the Pulumi CLI or a cloud account.

  --stack <name>      Run the Pulumi program under mocks with Pulumi.<name>.yaml and check what it
                      registers, with the policy config policies/config/<name>.json.
  --resources <file>  Check the resources in <file> instead: a JSON array of {"type","name","inputs"}
                      (optional "outputs", "dependencies", "propertyDependencies", "parent"), or the
                      output of \`pulumi stack export\`. Policy config: --stack's, else prod's.
  --config <file>     Use this policy config (the --policy-pack-config format) instead.
  --program <dir>     The Pulumi program's directory (default: the repository root).
  --help              Show this help.

Prints a table (policy, resource, level, message). Exit status: 0 no mandatory violation,
1 mandatory violation(s), 2 usage or program error.`;

interface Options {
  stack?: string;
  resources?: string;
  config?: string;
  program: string;
}

function parseOptions(argv: string[]): Options | "help" {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      stack: { type: "string" },
      resources: { type: "string" },
      config: { type: "string" },
      program: { type: "string" },
      help: { type: "boolean" },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) return "help";
  if (positionals.length > 0) throw new Error(`unexpected argument ${positionals[0]}`);
  if (values.stack === undefined && values.resources === undefined) {
    throw new Error("give --stack <name> (run the program) or --resources <file>");
  }
  return {
    ...(values.stack === undefined ? {} : { stack: values.stack }),
    ...(values.resources === undefined ? {} : { resources: values.resources }),
    ...(values.config === undefined ? {} : { config: values.config }),
    program: values.program ?? REPOSITORY_ROOT,
  };
}

function configPath(options: Options): string {
  if (options.config !== undefined) return options.config;
  const stack = options.stack ?? "prod";
  const path = join(CONFIG_DIR, `${stack}.json`);
  if (!existsSync(path)) {
    const known = readdirSync(CONFIG_DIR).map((file) => file.replace(/\.json$/, ""));
    throw new Error(
      `no policy config for stack "${stack}" (${path}); the stacks are ${known.join(", ")}, or give --config`,
    );
  }
  return path;
}

export function readPolicyConfig(path: string): PolicyPackConfig {
  const document: unknown = JSON.parse(readFileSync(path, "utf8"));
  if (!isRecord(document)) throw new Error(`${path}: expected an object of policy name → config`);
  return document as PolicyPackConfig;
}

/** Where the checker writes: the console, or a test's buffers. */
export interface Output {
  out: (text: string) => void;
  err: (text: string) => void;
}

const CONSOLE: Output = { out: (text) => console.log(text), err: (text) => console.error(text) };

export async function main(argv: string[], io: Output = CONSOLE): Promise<number> {
  let options: Options | "help";
  try {
    options = parseOptions(argv);
  } catch (error) {
    io.err(`policy:check: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (options === "help") {
    io.out(HELP);
    return 0;
  }
  try {
    const path = configPath(options);
    const packConfig = readPolicyConfig(path);
    const resources =
      options.resources !== undefined
        ? readResourcesFile(options.resources)
        : (await runProgram(options.program, options.stack ?? "prod")).resources;
    const source = options.resources ?? `the program (${options.program}) for stack ${options.stack}`;
    const violations = await evaluatePolicies(allPolicies, resources, packConfig);
    io.out(`Policy check of ${source} with ${relative(process.cwd(), path)}\n`);
    io.out(formatTable(violations));
    io.out(`\n${summary(violations, resources.length)}`);
    return violations.some(isBlocking) ? 1 : 0;
  } catch (error) {
    io.err(`policy:check: ${(error as Error).message}`);
    return 2;
  }
}

if (require.main === module) {
  // Should the event loop run dry before main settles (a promise that never resolves), the process
  // exits with this status instead of a silent success.
  process.exitCode = 2;
  main(process.argv.slice(2)).then(
    (status) => process.exit(status),
    (error: unknown) => {
      console.error(error);
      process.exit(2);
    },
  );
}
