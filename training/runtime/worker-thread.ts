// Starts a worker thread or a child process on one of the image's worker modules: the esbuild bundle's
// `<name>.js` when it lies beside the calling module (in the image, every bundle sits in /opt/program), else
// the TypeScript source `<name>.ts` in `sourceDir` through tsx's CommonJS hook (neither worker threads nor
// forked processes inherit tsx's loader reliably).
import { type ChildProcess, fork } from "node:child_process";
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

/** A child process (with an IPC channel, stdout and stderr shared with this one) on `name`, given `args`. */
export function forkModuleProcess(
  bundleDir: string,
  sourceDir: string,
  name: string,
  args: string[],
): ChildProcess {
  const bundled = join(bundleDir, `${name}.js`);
  const stdio = ["ignore", "inherit", "inherit", "ipc"] as const;
  // Flags of this process (tsx's loader, the test runner's) are not the child's: it gets only the hook it
  // needs.
  if (existsSync(bundled)) return fork(bundled, args, { execArgv: [], stdio: [...stdio] });
  return fork(join(sourceDir, `${name}.ts`), args, {
    execArgv: ["--require", require.resolve("tsx/cjs")],
    stdio: [...stdio],
  });
}
