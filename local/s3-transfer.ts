// Moving files between the local S3 directory and a job directory, as SageMaker does for `S3Prefix`
// inputs and `EndOfJob` outputs. Downloads copy a single object or everything under a prefix; uploads
// never replace an object that exists (an earlier run's artifact), they fail naming it.
import { constants } from "node:fs";
import { copyFile, mkdir, readdir, stat } from "node:fs/promises";
import { basename, join, relative } from "node:path";
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

/**
 * Copies the object `uri`, or every object under the prefix `uri`, into `directory`. Returns the number
 * of files copied (0 when nothing exists there: SageMaker fails the job in that case).
 */
export async function downloadS3Prefix(s3Root: string, uri: string, directory: string): Promise<number> {
  const source = localPathForS3Uri(s3Root, uri);
  const info = await statOrNull(source);
  await mkdir(directory, { recursive: true });
  if (info === null) return 0;
  if (info.isFile()) {
    await copyFile(source, join(directory, basename(source)));
    return 1;
  }
  const files = await listFiles(source);
  for (const file of files) {
    await mkdir(join(directory, file, ".."), { recursive: true });
    await copyFile(join(source, file), join(directory, file));
  }
  return files.length;
}

/** Thrown when an upload would replace an existing object. */
export class ObjectExists extends Error {
  override readonly name = "ObjectExists";
}

/** Copies every file under `directory` to the prefix `uri`; fails on an object that already exists. */
export async function uploadDirectory(s3Root: string, directory: string, uri: string): Promise<string[]> {
  const target = localPathForS3Uri(s3Root, uri);
  const files = (await statOrNull(directory)) ? await listFiles(directory) : [];
  for (const file of files) {
    await mkdir(join(target, file, ".."), { recursive: true });
    await copyExclusive(join(directory, file), join(target, file), `${uri.replace(/\/+$/, "")}/${file}`);
  }
  return files;
}

/** Copies one file to the object `uri`; fails if the object exists. */
export async function uploadFile(s3Root: string, file: string, uri: string): Promise<void> {
  const target = localPathForS3Uri(s3Root, uri);
  await mkdir(join(target, ".."), { recursive: true });
  await copyExclusive(file, target, uri);
}

async function copyExclusive(source: string, target: string, uri: string): Promise<void> {
  try {
    await copyFile(source, target, constants.COPYFILE_EXCL);
  } catch (error) {
    if (isErrno(error, "EEXIST")) {
      throw new ObjectExists(`${uri} already exists; an earlier run's artifact is never overwritten.`);
    }
    throw error;
  }
}
