// model.tar.gz, as SageMaker packs the model directory at the end of a training job.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import * as tar from "tar";
import { InputError, errorMessage } from "../runtime/errors";

/** Packs the files of `modelDir` (at the archive's root) into `archive`. */
export async function packModelDir(modelDir: string, archive: string): Promise<void> {
  mkdirSync(dirname(archive), { recursive: true });
  await tar.c({ gzip: true, file: archive, cwd: modelDir, portable: true }, readdirSync(modelDir));
}

/** A model directory from a directory, or from model.tar.gz unpacked to a temporary directory. */
export async function unpackModel(path: string): Promise<{ dir: string; cleanup(): void }> {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (!stats)
    throw new InputError(`model ${path} does not exist: point evaluate at the training job's model.tar.gz`);
  if (stats.isDirectory()) return { dir: path, cleanup: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), "vt-model-"));
  try {
    await tar.x({ file: path, cwd: dir });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new InputError(`cannot unpack ${path} as a .tar.gz archive: ${errorMessage(error)}`);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
