// `npm run build:handlers`'s command line: --help prints the usage instead of becoming the output
// directory (it once built the bundles into ./--help), and an unknown option is refused by name.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_OUTDIR, parseBuildArgs } from "./build";

describe("build:handlers arguments", () => {
  it("takes --help and -h as a request for the usage, never as a directory", () => {
    assert.deepEqual(parseBuildArgs(["--help"]), { help: true });
    assert.deepEqual(parseBuildArgs(["out", "-h"]), { help: true });
  });

  it("builds into the given directory, or dist/handlers by default", () => {
    assert.deepEqual(parseBuildArgs(["/tmp/bundles"]), { help: false, outdir: "/tmp/bundles" });
    assert.deepEqual(parseBuildArgs([]), { help: false, outdir: DEFAULT_OUTDIR });
  });

  it("refuses an unknown option or a second directory, naming it", () => {
    assert.throws(() => parseBuildArgs(["--outdir", "x"]), { message: /^Unknown option "--outdir"/ });
    assert.throws(() => parseBuildArgs(["a", "b"]), { message: /^One output directory, not 2: a b/ });
  });
});
