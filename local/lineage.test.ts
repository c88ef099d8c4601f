import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { inputLineage } from "./lineage";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("inputLineage", () => {
  let root = "";
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "lineage-"));
    await mkdir(join(root, "hits"));
    await writeFile(join(root, "hits", "b.csv"), "user_id\nu2\n");
    await writeFile(join(root, "hits", "a.csv"), "user_id\nu1\n");
  });
  after(() => rm(root, { recursive: true, force: true }));

  it("digests one file: its size and its SHA-256", async () => {
    const lineage = await inputLineage(join(root, "hits", "a.csv"));
    assert.deepEqual(lineage, {
      paths: [join(root, "hits", "a.csv")],
      files: [{ path: join(root, "hits", "a.csv"), sizeBytes: 11, sha256: sha256("user_id\nu1\n") }],
      sizeBytes: 11,
      sha256: sha256("user_id\nu1\n"),
    });
  });

  it("digests every file a glob matches, in path order, as sha256sum lines", async () => {
    const [a, b] = [join(root, "hits", "a.csv"), join(root, "hits", "b.csv")];
    const lineage = await inputLineage([join(root, "hits", "*.csv"), a]);
    assert.deepEqual(
      lineage.files.map((file) => file.path),
      [a, b],
    );
    assert.equal(lineage.sizeBytes, 22);
    assert.equal(
      lineage.sha256,
      sha256(`${sha256("user_id\nu1\n")}  ${a}\n${sha256("user_id\nu2\n")}  ${b}\n`),
    );
  });

  it("reports a missing file or an empty glob instead of failing", async () => {
    const missing = await inputLineage(join(root, "nope.csv"));
    assert.equal(missing.sha256, null);
    assert.match(missing.problem ?? "", /nope\.csv does not exist/);
    const empty = await inputLineage(join(root, "hits", "*.parquet"));
    assert.match(empty.problem ?? "", /\*\.parquet matches no file/);
  });
});
