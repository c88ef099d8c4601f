// Small JSON file helpers shared by the registry, the job emulation and the run records. Creation is
// exclusive (`wx`), so that nothing an earlier run wrote is ever overwritten; state that is meant to
// change (an endpoint's current config) is replaced atomically through a rename.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && "code" in error && error.code === code;
}

/** Reads a JSON file; `undefined` when it does not exist. */
export async function readJsonIfExists<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as T;
  } catch (error) {
    if (isErrno(error, "ENOENT")) return undefined;
    throw error;
  }
}

/** Writes a new JSON file; returns false (and writes nothing) when the file already exists. */
export async function createJsonFile(path: string, value: unknown): Promise<boolean> {
  await mkdir(dirname(path), { recursive: true });
  try {
    await writeFile(path, `${JSON.stringify(value, null, 2)}\n`, { flag: "wx" });
    return true;
  } catch (error) {
    if (isErrno(error, "EEXIST")) return false;
    throw error;
  }
}

/** Replaces a JSON file atomically (write a sibling, then rename over it). */
export async function replaceJsonFile(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, `${JSON.stringify(value, null, 2)}\n`);
  await rename(temporary, path);
}

export { isErrno };
