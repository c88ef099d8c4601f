// Lineage of a local run: which raw hits it read (paths as given, every matched file with its size and
// SHA-256), which source SQL, which dataset snapshot, which hyperparameters and which TF.js backend. Kept
// in summary.json and in the run's model package (local/model-registry.ts), so that a model can be traced
// back to its data after the data itself has been pruned.
import type { RawHitCounts } from "../handlers/snapshot-dataset";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { isErrno } from "./json-files";

export interface FileDigest {
  path: string;
  sizeBytes: number;
  sha256: string;
}

export interface InputLineage {
  /** The --input values (files or globs), or the generated sample file. */
  paths: string[];
  /** Every file they matched, in path order. */
  files: FileDigest[];
  /** Sum of the files' sizes. */
  sizeBytes: number;
  /**
   * One file: its SHA-256. Several: the SHA-256 of their `sha256sum` lines (`<sha256>  <path>\n`, in path
   * order), so that the same files give the same digest.
   */
  sha256: string | null;
  /** Why the input could not be digested (missing file, a glob that matches nothing); absent when it was. */
  problem?: string;
}

export interface RunLineage {
  input: InputLineage;
  /** The source SQL as uploaded to the local S3 (content-addressed). */
  sql: { uri: string; sha256: string };
  /**
   * The dataset snapshot the jobs read, with the raw hits behind it (distinct, invalid, duplicate copies
   * removed: SnapshotDataset's count); null when the run ended before SnapshotDataset.
   */
  dataset: { uri: string; sizeBytes: number; sha256: string; rawHits: RawHitCounts | null } | null;
  /** The training job's HyperParameters (SageMaker strings). */
  hyperparameters: Record<string, string>;
  /** The TF.js backend training ran on; null when no training finished. */
  backend: string | null;
}

export function sha256Text(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

async function digestFile(path: string): Promise<FileDigest> {
  const hash = createHash("sha256");
  let sizeBytes = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    sizeBytes += chunk.length;
  }
  return { path, sizeBytes, sha256: hash.digest("hex") };
}

export const GLOB_CHARACTERS = /[*?[{]/;

/** The files a path or glob names, as DuckDB reads them (DuckDB's own `glob()`, so both agree). */
export async function matchingFiles(pattern: string): Promise<string[]> {
  if (!GLOB_CHARACTERS.test(pattern)) return [resolve(pattern)];
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const result = await connection.runAndReadAll("SELECT file FROM glob($pattern) ORDER BY file", {
      pattern: resolve(pattern),
    });
    return result.getRowObjectsJson().map((row) => String(row["file"]));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Digests every file of the input; a missing file or an empty glob is reported, not thrown. */
export async function inputLineage(input: string | readonly string[]): Promise<InputLineage> {
  const paths = typeof input === "string" ? [input] : [...input];
  const files: FileDigest[] = [];
  for (const pattern of paths) {
    const matched = await matchingFiles(pattern);
    if (matched.length === 0) {
      return { paths, files, sizeBytes: 0, sha256: null, problem: `${pattern} matches no file` };
    }
    for (const path of matched) {
      try {
        if (!(await stat(path)).isFile()) {
          return { paths, files, sizeBytes: 0, sha256: null, problem: `${path} is not a file` };
        }
        files.push(await digestFile(path));
      } catch (error) {
        if (!isErrno(error, "ENOENT")) throw error;
        return { paths, files, sizeBytes: 0, sha256: null, problem: `${path} does not exist` };
      }
    }
  }
  const unique = [...new Map(files.map((file) => [file.path, file])).values()];
  files.splice(0, files.length, ...unique.sort((a, b) => a.path.localeCompare(b.path)));
  const sizeBytes = files.reduce((sum, file) => sum + file.sizeBytes, 0);
  const only = files.length === 1 ? files[0] : undefined;
  const sha256 = only
    ? only.sha256
    : sha256Text(files.map((file) => `${file.sha256}  ${file.path}\n`).join(""));
  return { paths, files, sizeBytes, sha256 };
}
