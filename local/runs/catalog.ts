// What `npm run runs` knows about a workdir: every run's summary.json, the model package it registered,
// and what the endpoint serves now and served before. Read-only.
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { type CurrentDeployment, LocalEndpointRegistry, orNullIfMissing } from "../endpoint-registry";
import { UsageError } from "../errors";
import { isErrno, readJsonIfExists } from "../json-files";
import { LocalModelRegistry, type ModelPackage } from "../model-registry";
import { workdirLayout, type WorkdirLayout } from "../runner";
import type { RunSummary } from "../summary";

export interface RunEntry {
  name: string;
  /** null while the run is in progress (or if its process was killed before it wrote one). */
  summary: RunSummary | null;
  /** The model it registered; null when it evaluated none. */
  modelPackage: ModelPackage | null;
  /** The endpoint serves this run's model now. */
  serving: boolean;
  /** Endpoint versions that served this run's model, oldest first. */
  endpointVersions: number[];
}

export interface Catalog {
  layout: WorkdirLayout;
  endpointName: string;
  deployment: CurrentDeployment | null;
  /** Oldest first. */
  runs: RunEntry[];
  endpoints: LocalEndpointRegistry;
  packages: LocalModelRegistry;
}

async function runNames(runsDir: string): Promise<string[]> {
  try {
    return (await readdir(runsDir, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch (error) {
    if (isErrno(error, "ENOENT")) return [];
    throw error;
  }
}

export async function loadCatalog(workdir: string, endpointName: string): Promise<Catalog> {
  const layout = workdirLayout(workdir);
  const endpoints = new LocalEndpointRegistry(layout.registry);
  const packages = new LocalModelRegistry(layout.registry);
  const deployment = await orNullIfMissing(endpoints.currentDeployment(endpointName));
  const byExecution = new Map((await packages.list(endpointName)).map((pkg) => [pkg.executionName, pkg]));
  const runs: RunEntry[] = [];
  for (const name of await runNames(layout.runs)) {
    const summary = (await readJsonIfExists<RunSummary>(join(layout.runs, name, "summary.json"))) ?? null;
    const modelPackage = byExecution.get(name) ?? null;
    const modelName = modelPackage?.modelName;
    runs.push({
      name,
      summary,
      modelPackage,
      serving: modelName !== undefined && deployment?.modelName === modelName,
      endpointVersions: (deployment?.history ?? [])
        .filter((entry) => entry.modelName === modelName && entry.inServiceAt !== null)
        .map((entry) => entry.version),
    });
  }
  runs.sort(
    (a, b) =>
      (a.summary?.startedAt ?? "\uffff").localeCompare(b.summary?.startedAt ?? "\uffff") ||
      a.name.localeCompare(b.name),
  );
  return { layout, endpointName, deployment, runs, endpoints, packages };
}

/** The named run, or a usage error that names it and lists the runs there are. */
export function findRun(catalog: Catalog, name: string): RunEntry {
  const run = catalog.runs.find((entry) => entry.name === name);
  if (run) return run;
  const known = catalog.runs.map((entry) => entry.name);
  throw new UsageError(
    `No run named "${name}" in ${catalog.layout.runs}. ` +
      (known.length === 0
        ? "There are no runs there: run `npm start` first, or pass the right --workdir."
        : `Runs: ${known.slice(-20).join(", ")}${known.length > 20 ? ` (and ${known.length - 20} older)` : ""}.`),
  );
}
