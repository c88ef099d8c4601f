import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { brokenLinks, headingAnchors, markdownLinks } from "./markdown-links";
import { findProjectFiles } from "./project-files";
import { tempDir } from "../test-support/temp-dir";

const ROOT = resolve(__dirname, "..");

describe("the project's Markdown links", () => {
  it("every relative link in README.md, docs/ and the other READMEs resolves, anchors included", () => {
    const files = findProjectFiles(ROOT, (name) => name.endsWith(".md"));
    assert.ok(files.some((file) => file.endsWith("docs/contracts.md")));
    assert.deepEqual(
      files.flatMap((file) => brokenLinks(file, ROOT)),
      [],
    );
  });
});

describe("markdownLinks and headingAnchors", () => {
  it("finds inline links, images and definitions, not examples in code", () => {
    const markdown = [
      'See [a](a.md) and ![b](img/b.svg "title") and [c](c.md#x).',
      "`[not](code.md)`",
      "```",
      "[not](block.md)",
      "```",
      "[ref]: ../ref.md",
    ].join("\n");
    assert.deepEqual(markdownLinks(markdown), [
      { line: 1, target: "a.md" },
      { line: 1, target: "img/b.svg" },
      { line: 1, target: "c.md#x" },
      { line: 6, target: "../ref.md" },
    ]);
  });

  it("names headings as GitHub does", () => {
    const anchors = headingAnchors("# Your data\n## `npm start` flags\n## Your data\n### Node.js 22 (LTS)\n");
    assert.deepEqual([...anchors], ["your-data", "npm-start-flags", "your-data-1", "nodejs-22-lts"]);
  });

  it("reports a missing file, a missing heading and a link out of the repository", () => {
    const root = tempDir("links-");
    mkdirSync(join(root, "docs"));
    writeFileSync(join(root, "docs", "guide.md"), "# Guide\n## Setup\n");
    const readme = join(root, "README.md");
    writeFileSync(
      readme,
      [
        "[ok](docs/guide.md#setup) [dir](docs/) [self](#top) [web](https://example.com/x.md)",
        "[gone](docs/DESIGN.md) [heading](docs/guide.md#install) [out](../elsewhere.md)",
        "# Top",
      ].join("\n"),
    );
    writeFileSync(join(root, "..", "elsewhere.md"), "");
    assert.deepEqual(brokenLinks(readme, root), [
      "README.md:2: docs/DESIGN.md (no such file)",
      "README.md:2: docs/guide.md#install (no heading #install in docs/guide.md)",
      "README.md:2: ../elsewhere.md (outside the repository)",
    ]);
  });
});
