// Reads the resources to check from a file: a JSON array of `{ type, name, inputs }` (optionally
// `outputs`, `urn`, `parent`, `dependencies`, `propertyDependencies`), or `pulumi stack export` output.
import { readFileSync } from "node:fs";
import { isRecord } from "../lib/json";
import type { CheckedResource } from "./evaluate";

/** The URN the checker gives a resource that has none: type and name are what the table shows. */
export function syntheticUrn(stack: string, project: string, type: string, name: string): string {
  return `urn:pulumi:${stack}::${project}::${type}::${name}`;
}

function stringArray(value: unknown, where: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw new Error(`${where} must be an array of strings`);
  }
  return value as string[];
}

function propertyDependencies(value: unknown, where: string): Record<string, string[]> {
  if (value === undefined) return {};
  if (!isRecord(value)) throw new Error(`${where} must be an object of string arrays`);
  return Object.fromEntries(
    Object.entries(value).map(([key, urns]) => [key, stringArray(urns, `${where}.${key}`)]),
  );
}

function optionalRecord(value: unknown, where: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) throw new Error(`${where} must be an object`);
  return value;
}

/** Normalizes one entry; names by `urn` are resolved to each other's URNs after all are read. */
function entry(raw: unknown, index: number): CheckedResource {
  const where = `resource #${index + 1}`;
  if (!isRecord(raw)) throw new Error(`${where} must be an object with type, name and inputs`);
  const type = raw["type"];
  if (typeof type !== "string" || type === "")
    throw new Error(`${where}: "type" must be a resource type token`);
  const urn = typeof raw["urn"] === "string" ? raw["urn"] : undefined;
  const name = typeof raw["name"] === "string" ? raw["name"] : urn?.slice(urn.lastIndexOf("::") + 2);
  if (name === undefined || name === "") throw new Error(`${where} (${type}): "name" (or "urn") is required`);
  const inputs = optionalRecord(raw["inputs"], `${where} (${name}).inputs`) ?? {};
  const outputs = optionalRecord(raw["outputs"], `${where} (${name}).outputs`);
  const parent = typeof raw["parent"] === "string" ? raw["parent"] : undefined;
  return {
    type,
    name,
    urn: urn ?? syntheticUrn("file", "file", type, name),
    inputs,
    ...(outputs === undefined ? {} : { outputs }),
    ...(parent === undefined ? {} : { parent }),
    dependencies: stringArray(raw["dependencies"], `${where} (${name}).dependencies`),
    propertyDependencies: propertyDependencies(
      raw["propertyDependencies"],
      `${where} (${name}).propertyDependencies`,
    ),
  };
}

/**
 * In the array format, `dependencies`, `propertyDependencies` and `parent` may name resources by
 * their `name` instead of their URN (handy for hand-written fixtures): those are mapped to URNs.
 */
function resolveNames(resources: CheckedResource[]): CheckedResource[] {
  const urnByName = new Map(resources.map((resource) => [resource.name, resource.urn]));
  const toUrn = (reference: string): string =>
    reference.startsWith("urn:") ? reference : (urnByName.get(reference) ?? reference);
  return resources.map((resource) => ({
    ...resource,
    ...(resource.parent === undefined ? {} : { parent: toUrn(resource.parent) }),
    dependencies: resource.dependencies.map(toUrn),
    propertyDependencies: Object.fromEntries(
      Object.entries(resource.propertyDependencies).map(([key, urns]) => [key, urns.map(toUrn)]),
    ),
  }));
}

export function parseResources(document: unknown): CheckedResource[] {
  if (Array.isArray(document)) return resolveNames(document.map(entry));
  const deployment =
    isRecord(document) && isRecord(document["deployment"]) ? document["deployment"] : undefined;
  if (deployment !== undefined && Array.isArray(deployment["resources"])) {
    return (deployment["resources"] as unknown[]).map(entry);
  }
  throw new Error(
    'expected a JSON array of { "type", "name", "inputs" } or the output of `pulumi stack export` ({ "deployment": { "resources": [...] } })',
  );
}

export function readResourcesFile(path: string): CheckedResource[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`cannot read --resources file ${path}: ${(error as Error).message}`, { cause: error });
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new Error(`--resources file ${path} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  try {
    return parseResources(document);
  } catch (error) {
    throw new Error(`--resources file ${path}: ${(error as Error).message}`, { cause: error });
  }
}
