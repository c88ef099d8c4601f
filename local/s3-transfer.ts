// Moving files between the local S3 directory and a job directory, as SageMaker does for `S3Prefix`
// inputs and `EndOfJob` outputs. Downloads place a single object or everything under a prefix; uploads
// never replace an object that exists (an earlier run's artifact), they fail naming it.
// Files are hard-linked, not copied, where the file system allows it (the job directories and the local
// S3 are both under the workdir): a job reads its inputs in place and its outputs become objects without
// a second copy on disk (handlers/local/link-or-copy.ts). Where linking fails, the file is copied and the
// caller is told, so that it removes the copy when the job ends.
import { mkdir, readdir, stat } from "node:fs/promises";
import { basename, join, relative } from "node:path";
import { linkOrCopy } from "../handlers/local/link-or-copy";
import { localPathForS3Uri } from "../handlers/s3-uri";
import { isErrno } from "./json-files";

/** Files under a directory, as paths relative to it, sorted. */
export async function listFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(directory, join(entry.parentPath, entry.name)))
    .sort();
}

async function statOrNull(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    if (isErrno(error, "ENOENT") || isErrno(error, "ENOTDIR")) return null;
    throw error;
  }
}

export interface Download {
  /** Files placed (0 when nothing exists there: SageMaker fails the job in that case). */
  files: number;
  /** Those that had to be copied rather than linked: the job removes them when it ends. */
  copied: string[];
}

/** Places the object `uri`, or every object under the prefix `uri`, into `directory`. */
export async function downloadS3Prefix(s3Root: string, uri: string, directory: string): Promise<Download> {
  const source = localPathForS3Uri(s3Root, uri);
  const info = await statOrNull(source);
  await mkdir(directory, { recursive: true });
  if (info === null) return { files: 0, copied: [] };
  const pairs = info.isFile()
    ? [[source, join(directory, basename(source))] as const]
    : (await listFiles(source)).map((file) => [join(source, file), join(directory, file)] as const);
  const copied: string[] = [];
  for (const [from, to] of pairs) {
    await mkdir(join(to, ".."), { recursive: true });
    if ((await linkOrCopy(from, to)) === "copied") copied.push(to);
  }
  return { files: pairs.length, copied };
}

/** Thrown when an upload would replace an existing object. */
export class ObjectExists extends Error {
  override readonly name = "ObjectExists";
}

/** Places every file under `directory` at the prefix `uri`; fails on an object that already exists. */
export async function uploadDirectory(s3Root: string, directory: string, uri: string): Promise<string[]> {
  const target = localPathForS3Uri(s3Root, uri);
  const files = (await statOrNull(directory)) ? await listFiles(directory) : [];
  for (const file of files) {
    await mkdir(join(target, file, ".."), { recursive: true });
    await copyExclusive(join(directory, file), join(target, file), `${uri.replace(/\/+$/, "")}/${file}`);
  }
  return files;
}

/** Places one file at the object `uri`; fails if the object exists. */
export async function uploadFile(s3Root: string, file: string, uri: string): Promise<void> {
  const target = localPathForS3Uri(s3Root, uri);
  await mkdir(join(target, ".."), { recursive: true });
  await copyExclusive(file, target, uri);
}

async function copyExclusive(source: string, target: string, uri: string): Promise<void> {
  try {
    await linkOrCopy(source, target);
  } catch (error) {
    if (isErrno(error, "EEXIST")) {
      throw new ObjectExists(`${uri} already exists; an earlier run's artifact is never overwritten.`);
    }
    throw error;
  }
}
