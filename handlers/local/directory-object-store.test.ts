import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ObjectNotFound } from "../errors";
import { DirectoryObjectStore } from "./directory-object-store";

describe("DirectoryObjectStore (real directory)", () => {
  let root: string;
  let store: DirectoryObjectStore;
  const file = (...parts: string[]) => join(root, ...parts);

  before(async () => {
    root = await mkdtemp(join(tmpdir(), "dir-store-"));
    store = new DirectoryObjectStore(root);
    await mkdir(file("bucket", "in"), { recursive: true });
    await writeFile(file("bucket", "in", "a.csv"), 'h1,h2\n"x\ny",1\nz,2');
  });
  after(() => rm(root, { recursive: true, force: true }));

  it("reads text, heads and digests an object at <root>/<bucket>/<key>", async () => {
    const bytes = 'h1,h2\n"x\ny",1\nz,2';
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    assert.equal(await store.getText("s3://bucket/in/a.csv"), bytes);
    assert.deepEqual(await store.head("s3://bucket/in/a.csv"), { sizeBytes: bytes.length, sha256 });
    // The quoted newline is inside a field; the unterminated last line is a record.
    assert.deepEqual(
      await store.digest("s3://bucket/in/a.csv", { columns: ["h2", "h3"], whereEmpty: "h1" }),
      {
        sizeBytes: bytes.length,
        sha256,
        csvRecords: 3,
        columnSums: { all: { h2: 3, h3: 0 }, whereEmpty: { h2: 0, h3: 0 } },
      },
    );
  });

  it("answers a head after a digest with column sums from that digest, without reading the file again", async () => {
    const bytes = "n\n1\n2\n";
    // A whole-second modification time, which utimes can set again exactly.
    const mtime = new Date("2026-01-01T00:00:00Z");
    await writeFile(file("bucket", "in", "sums.csv"), bytes);
    await utimes(file("bucket", "in", "sums.csv"), mtime, mtime);
    const digest = await store.digest("s3://bucket/in/sums.csv", { columns: ["n"] });
    assert.deepEqual(digest.columnSums.all, { n: 3 });
    // Rewritten in place with the same size and modification time: only a second read would see it.
    await writeFile(file("bucket", "in", "sums.csv"), "n\n7\n8\n");
    await utimes(file("bucket", "in", "sums.csv"), mtime, mtime);
    assert.deepEqual(await store.head("s3://bucket/in/sums.csv"), {
      sizeBytes: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("hex"),
    });
    // Other sums than the cached ones are a new read.
    assert.deepEqual(
      (await store.digest("s3://bucket/in/sums.csv", { columns: ["n"], whereEmpty: "n" })).columnSums.all,
      {
        n: 15,
      },
    );
  });

  it("reports a missing object: getText/digest throw ObjectNotFound, head returns null", async () => {
    await assert.rejects(store.getText("s3://bucket/missing.csv"), ObjectNotFound);
    await assert.rejects(store.digest("s3://bucket/in"), ObjectNotFound);
    assert.equal(await store.head("s3://bucket/missing.csv"), null);
    await assert.rejects(
      store.copyIfAbsent("s3://bucket/missing.csv", "s3://bucket/out/x.csv"),
      ObjectNotFound,
    );
  });

  it("copies only if the target is absent and never overwrites an existing one", async () => {
    assert.equal(await store.copyIfAbsent("s3://bucket/in/a.csv", "s3://bucket/snap/run-1/d.csv"), "written");
    await writeFile(file("bucket", "in", "b.csv"), "other");
    assert.equal(await store.copyIfAbsent("s3://bucket/in/b.csv", "s3://bucket/snap/run-1/d.csv"), "exists");
    assert.equal(await readFile(file("bucket", "snap", "run-1", "d.csv"), "utf8"), 'h1,h2\n"x\ny",1\nz,2');
    // No temporary file is left behind.
    assert.deepEqual(await readdir(file("bucket", "snap", "run-1")), ["d.csv"]);
  });

  it("puts only if absent", async () => {
    assert.equal(await store.putIfAbsent("s3://bucket/p/x.json", "{}"), "written");
    assert.equal(await store.putIfAbsent("s3://bucket/p/x.json", "[]"), "exists");
    assert.equal(await readFile(file("bucket", "p", "x.json"), "utf8"), "{}");
  });

  it("lets exactly one of two concurrent writers create the object", async () => {
    const outcomes = await Promise.all([
      store.putIfAbsent("s3://bucket/race/x", "first"),
      store.putIfAbsent("s3://bucket/race/x", "second"),
    ]);
    assert.deepEqual([...outcomes].sort(), ["exists", "written"]);
  });
});
