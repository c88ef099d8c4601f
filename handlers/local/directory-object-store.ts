// ObjectStore on a directory tree: `s3://<bucket>/<key>` is the file `<root>/<bucket>/<key>`.
// Writes go to a temporary file in the target's directory, then `link()` it to the target name: link
// fails with EEXIST if the target exists, so creation is exclusive and atomic, and a crash never leaves
// a half-written target.
import type { ColumnSumsSpec } from "../csv-column-sums";
import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { link, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { digestChunks } from "../digest";
import { linkOrCopy } from "./link-or-copy";
import { ObjectNotFound } from "../errors";
import type { ObjectDigest, ObjectInfo, ObjectStore, WriteOutcome } from "../ports";
import { localPathForS3Uri, parseS3ObjectUri } from "../s3-uri";

const READ_CHUNK_BYTES = 1 << 20;

function hasCode(error: unknown, code: string): boolean {
  return error instanceof Error && "code" in error && error.code === code;
}

export class DirectoryObjectStore implements ObjectStore {
  /**
   * Digests by file identity (device, inode, size, modification time), each with the column sums it was
   * asked for. Objects are never modified in place, and a copy is a hard link to the same inode: the
   * snapshot's verification (head of the copy after digesting the source with its sums) then reads the
   * file once, not twice.
   */
  private readonly digests = new Map<string, { sums: string; digest: ObjectDigest }[]>();

  /** @param root the local S3 root (`<workdir>/s3`). */
  constructor(readonly root: string) {}

  private pathOf(uri: string): string {
    parseS3ObjectUri(uri);
    return localPathForS3Uri(this.root, uri);
  }

  /** Runs a read, turning a missing file (or a directory where a file should be) into ObjectNotFound. */
  private async reading<T>(uri: string, read: (path: string) => Promise<T>): Promise<T> {
    const path = this.pathOf(uri);
    try {
      return await read(path);
    } catch (error) {
      if (hasCode(error, "ENOENT") || hasCode(error, "EISDIR") || hasCode(error, "ENOTDIR")) {
        throw new ObjectNotFound(`${uri} does not exist (no file ${path}).`);
      }
      throw error;
    }
  }

  getText(uri: string): Promise<string> {
    return this.reading(uri, (path) => readFile(path, "utf8"));
  }

  async head(uri: string): Promise<ObjectInfo | null> {
    try {
      const digest = await this.digest(uri);
      return { sizeBytes: digest.sizeBytes, sha256: digest.sha256 };
    } catch (error) {
      if (error instanceof ObjectNotFound) return null;
      throw error;
    }
  }

  /** The path of an existing file, or ObjectNotFound. */
  private existingFile(uri: string): Promise<string> {
    return this.reading(uri, async (path) => {
      if (!(await stat(path)).isFile())
        throw Object.assign(new Error(`${path} is not a file`), { code: "EISDIR" });
      return path;
    });
  }

  async digest(uri: string, sums?: ColumnSumsSpec): Promise<ObjectDigest> {
    const path = await this.existingFile(uri);
    const file = await stat(path, { bigint: true });
    const identity = `${file.dev}:${file.ino}:${file.size}:${file.mtimeNs}`;
    const sumsKey = JSON.stringify(sums ?? { columns: [] });
    const known = this.digests.get(identity) ?? [];
    const same = known.find((entry) => entry.sums === sumsKey);
    if (same) return same.digest;
    // Without column sums, any digest of the file answers (size, SHA-256 and records do not depend on them);
    // the same file asked for other sums is read again.
    const any = known[0];
    if (any && !sums?.columns.length) {
      return { ...any.digest, columnSums: { all: {}, whereEmpty: {} } };
    }
    // 1 MiB reads instead of the stream's 64 KiB: a large query result is digested in fewer, longer loops.
    const digest = await this.reading(uri, () =>
      digestChunks(createReadStream(path, { highWaterMark: READ_CHUNK_BYTES }), sums),
    );
    this.digests.set(identity, [...known, { sums: sumsKey, digest }]);
    return digest;
  }

  /** Writes a temporary file with `fill`, then links it to `target` exclusively. */
  private async createExclusively(
    targetUri: string,
    fill: (tempPath: string) => Promise<void>,
  ): Promise<WriteOutcome> {
    const target = this.pathOf(targetUri);
    await mkdir(dirname(target), { recursive: true });
    const temp = `${target}.${randomUUID()}.tmp`;
    try {
      await fill(temp);
      await link(temp, target);
      return "written";
    } catch (error) {
      if (hasCode(error, "EEXIST")) return "exists";
      throw error;
    } finally {
      await rm(temp, { force: true });
    }
  }

  /**
   * S3's CopyObject. The copy is a hard link where the file system allows it: objects are never modified
   * in place, so the snapshot of a query result costs no second copy on disk.
   */
  async copyIfAbsent(source: string, target: string): Promise<WriteOutcome> {
    const sourcePath = await this.existingFile(source);
    return this.createExclusively(target, async (temp) => {
      await linkOrCopy(sourcePath, temp);
    });
  }

  putIfAbsent(uri: string, body: string): Promise<WriteOutcome> {
    return this.createExclusively(uri, (temp) => writeFile(temp, body, { flag: "wx" }));
  }
}
