// The training image installs what the bundle needs and nothing else, at the versions the tests ran,
// and cannot be built without native TensorFlow. Docker cannot run here; these facts are read from the
// Dockerfile, the manifests and the lock files, which are what `docker build` uses.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";

const REPO = join(__dirname, "../..");

interface Manifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  allowScripts?: Record<string, boolean>;
  scripts?: Record<string, string>;
}
interface Lock {
  packages: Record<string, { version?: string }>;
}

const read = <T>(path: string): T => JSON.parse(readFileSync(join(REPO, path), "utf8")) as T;
const root = read<Manifest>("package.json");
const image = read<Manifest>("training/image/package.json");
const rootLock = read<Lock>("package-lock.json");
const imageLock = read<Lock>("training/image/package-lock.json");

/** The Dockerfile's stages: the text from each FROM to the next. */
function stages(): string[] {
  const text = readFileSync(join(REPO, "training/Dockerfile"), "utf8").replace(/\\\n/g, " ");
  return text.split(/^FROM /m).slice(1);
}

/** Root dependencies the build leaves out of the bundle (esbuild's --external:<glob> flags). */
function bundleExternals(): Record<string, string> {
  const patterns = [...(root.scripts?.["build:training"] ?? "").matchAll(/--external:(\S+)/g)].map(
    (match) => new RegExp(`^${(match[1] ?? "").replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`),
  );
  assert.ok(patterns.length > 0, "build:training names its externals");
  const all = { ...root.dependencies, ...root.optionalDependencies };
  return Object.fromEntries(Object.entries(all).filter(([name]) => patterns.some((p) => p.test(name))));
}

describe("the training image (training/Dockerfile, training/image/)", () => {
  it("installs exactly the packages the bundle leaves external, at the root manifest's pinned versions", () => {
    const externals = bundleExternals();
    assert.deepEqual(image.dependencies, externals);
    assert.ok("@tensorflow/tfjs-node" in externals && "@duckdb/node-api" in externals);
    assert.equal(image.optionalDependencies, undefined, "nothing the image needs is optional");
  });

  it("locks those packages at the versions the root lock file tested", () => {
    for (const name of Object.keys(image.dependencies ?? {})) {
      const key = `node_modules/${name}`;
      assert.ok(rootLock.packages[key]?.version, `${name} is in the root lock file`);
      assert.equal(imageLock.packages[key]?.version, rootLock.packages[key]?.version, name);
    }
    assert.deepEqual(imageLock.packages[""]?.["dependencies" as "version"], image.dependencies);
  });

  it("lets npm run tfjs-node's install script (npm 11 blocks dependency scripts unless allowed)", () => {
    assert.deepEqual(image.allowScripts, {
      [`@tensorflow/tfjs-node@${image.dependencies?.["@tensorflow/tfjs-node"] ?? "?"}`]: true,
    });
  });

  it("runs the runtime stage from the image manifest, and fails the build without native TensorFlow", () => {
    const runtime = stages().at(-1) ?? "";
    assert.match(runtime, /^COPY training\/image\/package\.json training\/image\/package-lock\.json \.\/$/m);
    assert.doesNotMatch(
      runtime,
      /^COPY package(-lock)?\.json/m,
      "the root manifest stays out of the runtime stage",
    );
    assert.match(runtime, /^RUN npm ci --omit=dev /m);
    const check = /^RUN node -e "(.+)"$/m.exec(runtime)?.[1] ?? "";
    assert.match(check, /require\('@tensorflow\/tfjs-node'\)/);
    assert.match(check, /tf\.getBackend\(\) !== 'tensorflow'.*process\.exit\(1\)/);
    assert.ok(runtime.indexOf(check) > runtime.indexOf("npm ci"), "the check runs after the install");
  });

  it("copies every bundle build:training writes beside main.js (worker threads and HTTP processes load them)", () => {
    const outputs = [
      ...(root.scripts?.["build:training"] ?? "").matchAll(/--outfile=dist\/training\/([\w-]+\.js)/g),
    ].map((match) => match[1]!);
    assert.ok(outputs.includes("http-process.js") && outputs.includes("inference-worker.js"), outputs.join());
    const runtime = stages().at(-1) ?? "";
    for (const file of outputs) {
      assert.match(
        runtime,
        new RegExp(`^COPY --from=build /src/dist/training/${file} /opt/program/${file}$`, "m"),
      );
    }
  });
});
