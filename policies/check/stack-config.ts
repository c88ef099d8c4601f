// The configuration Pulumi hands a program for a stack: Pulumi.yaml's project `config:` defaults
// overlaid with Pulumi.<stack>.yaml, keys fully qualified (`<project>:<key>`), values as text
// (objects and arrays as JSON), which is what `pulumi.runtime.setAllConfig` expects.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { isRecord } from "../lib/json";

export interface StackConfig {
  project: string;
  stack: string;
  config: Record<string, string>;
  /** Keys whose values are `secure:` ciphertext; the checker runs with placeholders for them. */
  secretKeys: string[];
}

function readYaml(path: string): Record<string, unknown> {
  if (!existsSync(path)) throw new Error(`${path} does not exist`);
  const document: unknown = parse(readFileSync(path, "utf8"));
  if (!isRecord(document)) throw new Error(`${path} is not a YAML map`);
  return document;
}

const qualify = (project: string, key: string): string => (key.includes(":") ? key : `${project}:${key}`);
const asText = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value));

/** Placeholder for a `secure:` value, which only the Pulumi CLI can decrypt. */
export const SECRET_PLACEHOLDER = "[secret: not decrypted by the offline checker]";

export function readStackConfig(programDir: string, stack: string): StackConfig {
  if (!/^[A-Za-z0-9_.-]+$/.test(stack))
    throw new Error(`--stack ${JSON.stringify(stack)} is not a stack name`);
  const project = readYaml(join(programDir, "Pulumi.yaml"));
  const projectName = project["name"];
  if (typeof projectName !== "string") throw new Error(`${join(programDir, "Pulumi.yaml")} has no name`);
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, declaration] of Object.entries(isRecord(project["config"]) ? project["config"] : {})) {
    const value = isRecord(declaration) ? (declaration["value"] ?? declaration["default"]) : declaration;
    if (value !== undefined) config[qualify(projectName, key)] = asText(value);
  }
  const stackFile = join(programDir, `Pulumi.${stack}.yaml`);
  const stackConfig = readYaml(stackFile)["config"];
  for (const [key, value] of Object.entries(isRecord(stackConfig) ? stackConfig : {})) {
    const qualified = qualify(projectName, key);
    if (isRecord(value) && typeof value["secure"] === "string") {
      config[qualified] = SECRET_PLACEHOLDER;
      secretKeys.push(qualified);
    } else {
      config[qualified] = asText(value);
    }
  }
  return { project: projectName, stack, config, secretKeys };
}
