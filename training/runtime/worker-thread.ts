// Starts a worker thread on one of the image's worker modules: the esbuild bundle's `<name>.js` when it lies
// beside the calling module (in the image, every bundle sits in /opt/program), else the TypeScript source
// `<name>.ts` in `sourceDir` through tsx's CommonJS hook (worker threads do not inherit tsx's loader).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";

export function spawnModuleWorker(
  bundleDir: string,
  sourceDir: string,
  name: string,
  workerData: unknown,
): Worker {
  const bundled = join(bundleDir, `${name}.js`);
  if (existsSync(bundled)) return new Worker(bundled, { workerData });
  const hook = require.resolve("tsx/cjs/api");
  const source = join(sourceDir, `${name}.ts`);
  const code = `require(${JSON.stringify(hook)}).register(); require(${JSON.stringify(source)});`;
  return new Worker(code, { eval: true, workerData });
}
