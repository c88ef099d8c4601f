// prune: frees the disk that old runs hold while keeping every record and every model. Removed: the jobs'
// scratch (copies of inputs, model directories, packed archives: everything but job.json, kind.json,
// process.json and logs.txt), and for every run but the newest `keep` ones its data: the query result, the dataset
// snapshot, the preprocessed examples and the generated sample hits (the lineage keeps their digests).
// Kept: runs/ records, the registry, the SQL, every model.tar.gz and evaluation.json (so any run can be
// promoted), and the extracted directory of the model the endpoint serves. Runs without a summary.json
// (in progress) are not touched.
import { lstat, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { localPathForS3Uri } from "../../handlers/s3-uri";
import { isErrno } from "../json-files";
import type { Catalog, RunEntry } from "./catalog";

/** What a job directory keeps: its records. */
const JOB_RECORDS = new Set(["job.json", "kind.json", "process.json", "logs.txt"]);

export interface PruneResult {
  /** Paths removed (or that would be, in a dry run), with the bytes that removing them frees. */
  removed: { path: string; bytes: number }[];
  freedBytes: number;
}

/** Bytes freed by removing `path`: files whose last link this is (hard-linked copies free nothing). */
async function bytesFreed(path: string): Promise<number> {
  let info;
  try {
    info = await lstat(path);
  } catch (error) {
    if (isErrno(error, "ENOENT")) return -1;
    throw error;
  }
  if (!info.isDirectory()) return info.nlink <= 1 ? info.size : 0;
  let total = 0;
  for (const entry of await readdir(path)) total += Math.max(0, await bytesFreed(join(path, entry)));
  return total;
}

function runData(catalog: Catalog, run: RunEntry): string[] {
  const artifacts = run.summary?.artifacts ?? {};
  const s3 = (uri: string | undefined) => (uri ? [localPathForS3Uri(catalog.layout.s3, uri)] : []);
  return [
    ...s3(artifacts["queryResult"]),
    ...s3(artifacts["queryResult"] && `${artifacts["queryResult"]}.metadata`),
    ...s3(run.summary?.lineage?.dataset?.uri ?? artifacts["dataset"]),
    ...s3(artifacts["preprocessed"]),
    join(catalog.layout.runs, run.name, "sample-hits.csv"),
  ];
}

async function jobScratch(catalog: Catalog, run: RunEntry): Promise<string[]> {
  const paths: string[] = [];
  for (const job of run.summary?.jobs ?? []) {
    const jobDir = join(catalog.layout.jobs, job.jobName);
    let entries: string[];
    try {
      entries = await readdir(jobDir);
    } catch (error) {
      if (isErrno(error, "ENOENT")) continue;
      throw error;
    }
    paths.push(...entries.filter((entry) => !JOB_RECORDS.has(entry)).map((entry) => join(jobDir, entry)));
  }
  return paths;
}

async function servingScratch(catalog: Catalog): Promise<string[]> {
  const servingRoot = join(catalog.layout.root, "serving");
  try {
    return (await readdir(servingRoot))
      .filter((name) => name !== catalog.deployment?.modelName)
      .map((name) => join(servingRoot, name));
  } catch (error) {
    if (isErrno(error, "ENOENT")) return [];
    throw error;
  }
}

export async function prune(
  catalog: Catalog,
  options: { keep: number; dryRun: boolean },
): Promise<PruneResult> {
  const finished = catalog.runs.filter((run) => run.summary !== null);
  const old = finished.slice(0, Math.max(0, finished.length - options.keep));
  const candidates = [
    ...(await Promise.all(finished.map((run) => jobScratch(catalog, run)))).flat(),
    ...old.flatMap((run) => runData(catalog, run)),
    ...(await servingScratch(catalog)),
  ];
  const removed: PruneResult["removed"] = [];
  for (const path of candidates) {
    const bytes = await bytesFreed(path);
    if (bytes < 0) continue;
    if (!options.dryRun) await rm(path, { recursive: true, force: true });
    removed.push({ path, bytes });
  }
  return { removed, freedBytes: removed.reduce((sum, entry) => sum + entry.bytes, 0) };
}
