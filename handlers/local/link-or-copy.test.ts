import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { linkOrCopy } from "./link-or-copy";

describe("linkOrCopy", () => {
  let root = "";
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "link-"));
    await writeFile(join(root, "a"), "hits");
  });
  after(() => rm(root, { recursive: true, force: true }));

  it("links on one file system, so the file is on disk once", async () => {
    assert.equal(await linkOrCopy(join(root, "a"), join(root, "b")), "linked");
    assert.equal((await stat(join(root, "b"))).ino, (await stat(join(root, "a"))).ino);
    assert.equal(await readFile(join(root, "b"), "utf8"), "hits");
  });

  it("never replaces an existing file", async () => {
    await writeFile(join(root, "c"), "other");
    await assert.rejects(linkOrCopy(join(root, "a"), join(root, "c")), { code: "EEXIST" });
    assert.equal(await readFile(join(root, "c"), "utf8"), "other");
  });
});
