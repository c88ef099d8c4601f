// Reads `Pulumi.<stack>.yaml` outside Pulumi: for `npm run definition`, the local run (the dev stack's
// configuration) and the tests. The values go through the same `parseStackConfig` as the program's.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { CONFIG_NAMESPACE, parseStackConfig, type StackConfig } from "./config";

export interface StackConfigFile {
  stack: string;
  path: string;
  region: string;
  config: StackConfig;
}

/**
 * The stack's configuration, validated; `change` edits the namespace's values first (the local run's
 * flags), so that a bad override fails naming its key like a bad value in the file.
 */
export function readStackConfigFile(
  stack: string,
  directory = process.cwd(),
  change: (values: Record<string, unknown>) => Record<string, unknown> = (values) => values,
): StackConfigFile {
  if (!/^[A-Za-z0-9_.-]+$/.test(stack))
    throw new Error(`--stack ${JSON.stringify(stack)} is not a stack name.`);
  const path = join(directory, `Pulumi.${stack}.yaml`);
  if (!existsSync(path)) throw new Error(`No stack configuration ${path}: the stacks are dev and prod.`);
  const document: unknown = parse(readFileSync(path, "utf8"));
  const entries = (document as { config?: Record<string, unknown> } | null)?.config;
  if (!entries || typeof entries !== "object") throw new Error(`${path} has no "config:" map.`);
  const prefix = `${CONFIG_NAMESPACE}:`;
  const values = Object.fromEntries(
    Object.entries(entries)
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length), value]),
  );
  const region = entries["aws:region"];
  if (typeof region !== "string") throw new Error(`${path} does not set aws:region.`);
  return { stack, path, region, config: parseStackConfig(change(values), `stack ${stack} (${path})`) };
}

/** The flat `key → text` map Pulumi itself hands a program (objects as JSON text). */
export function pulumiConfigMap(stack: string, directory = process.cwd()): Record<string, string> {
  const path = join(directory, `Pulumi.${stack}.yaml`);
  const document = parse(readFileSync(path, "utf8")) as { config?: Record<string, unknown> };
  return Object.fromEntries(
    Object.entries(document.config ?? {}).map(([key, value]) => [
      key,
      typeof value === "string" ? value : JSON.stringify(value),
    ]),
  );
}
