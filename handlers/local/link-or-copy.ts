// Placing a file at a new path without a second copy on disk: a hard link where the file system allows
// it, a copy where it does not (another file system, or one without links). Used by the local S3 and the
// local SageMaker jobs, whose files are never modified in place (every write creates a new file), so a
// shared inode is safe.
import { constants } from "node:fs";
import { copyFile, link } from "node:fs/promises";

/** Errors of `link` that mean "this file system cannot link these two paths": copy instead. */
const CANNOT_LINK = new Set(["EXDEV", "EPERM", "ENOTSUP", "EOPNOTSUPP", "EMLINK"]);

/** Links `source` to the new path `target`, or copies it; fails with EEXIST when `target` exists. */
export async function linkOrCopy(source: string, target: string): Promise<"linked" | "copied"> {
  try {
    await link(source, target);
    return "linked";
  } catch (error) {
    const code = error instanceof Error && "code" in error ? String(error.code) : "";
    if (!CANNOT_LINK.has(code)) throw error;
    await copyFile(source, target, constants.COPYFILE_EXCL);
    return "copied";
  }
}
