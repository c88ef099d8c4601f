// `npm run bench:serve`: the endpoint under load on loopback, driven by autocannon. Trains a small model on
// generated data (or takes --model-dir), starts the server in a child process twice — the served path and the
// unbatched baseline (zod, per-instance feature objects, one TF.js model call per request: the server before
// micro-batching) — and prints requests/s, predictions/s, p50 and p99 for 1 instance per request and for 100,
// then holds 1,000 connections open against the served path while pinging /ping. autocannon runs in a process
// of its own (bench-load.ts), so that it does not starve the prober. Every run is bounded by --duration.
// Not part of npm test.
import { type ChildProcess, fork, spawnSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { writeDailyVisitsCsv } from "../../sql/duckdb";
import { formatDay } from "../core/dates";
import { dailyVisitToJson } from "../data/daily-visits";
import { readDailyVisits } from "../data/read-daily-visits";
import { simulateHits } from "../generate-data/simulate";
import { writeHits } from "../generate-data/write";
import { METADATA_FILE } from "../model/model-io";
import { groupByUser } from "../preprocess/examples";
import { DEFAULT_PREPROCESS_OPTIONS, preprocess } from "../preprocess/preprocess";
import { type Command, parseIntegerOption, runCommand } from "../runtime/entry";
import { captureConsole } from "../runtime/log";
import { containerPaths } from "../runtime/paths";
import { train } from "../train/train";
import { type LoadCounts, type LoadJob, TIMEOUT_SECONDS } from "./bench-load";
import type { ServerOptions } from "./server";

const options = {
  "model-dir": { type: "string" },
  duration: { type: "string" },
  users: { type: "string" },
  epochs: { type: "string" },
  "skip-baseline": { type: "boolean" },
  "http-processes": { type: "string" },
  source: { type: "boolean" },
} as const;

const REPO = join(__dirname, "../..");

interface LoadResult {
  requestsPerSecond: number;
  predictionsPerSecond: number;
  p50: number;
  p99: number;
  ok: number;
  shed: number;
  /** Other statuses. */
  other: number;
  /** No response: connection errors and timeouts (no answer within the load tool's timeout). */
  errors: number;
  timeouts: number;
  /** Requests cut off by the end of the run while waiting (at most one per connection). */
  inFlightAtStop: number;
  /** Requests written to connections the server had closed with its answer (see LoadCounts). */
  writtenAfterClose: number;
  /** The load tool's set-up time before the run (ms). */
  setupMs: number;
  /** The server process's CPU time (µs) over the run per prediction answered (503s included in the time). */
  serverCpuPerPrediction: number;
}

/** Generated raw hits → daily visits through the source SQL (on DuckDB); returns the CSV's path. */
async function generateDailyVisits(root: string, users: number): Promise<string> {
  const paths = containerPaths({ VT_ML_ROOT: root });
  const hitsFile = join(root, "raw-hits.csv");
  await writeHits(
    hitsFile,
    simulateHits({ users, days: 120, seed: 1, startDate: "2024-01-01", malformed: 0 }),
    true,
  );
  mkdirSync(paths.preprocessInput, { recursive: true });
  const csv = join(paths.preprocessInput, "daily-visits.csv");
  await writeDailyVisitsCsv(hitsFile, csv);
  return csv;
}

/** A small model trained on those daily visits through the real preprocess and train; returns its directory. */
async function trainSmallModel(root: string, epochs: number): Promise<string> {
  const paths = containerPaths({ VT_ML_ROOT: root });
  await preprocess({
    input: paths.preprocessInput,
    output: paths.preprocessOutput,
    ...DEFAULT_PREPROCESS_OPTIONS,
  });
  mkdirSync(join(root, "input/config"), { recursive: true });
  writeFileSync(paths.hyperparameters, JSON.stringify({ epochs: String(epochs) }));
  await train({
    data: paths.preprocessOutput,
    hyperparametersFile: paths.hyperparameters,
    modelDir: paths.modelDir,
  });
  return paths.modelDir;
}

/** Request bodies of `perRequest` instances each: users' last visits, asking for the next day. */
function requestBodies(csv: string, historyLength: number, perRequest: number, count: number): string[] {
  const instances = [...groupByUser(readDailyVisits(csv).visits).values()].map((history) => ({
    date: formatDay(history[history.length - 1]!.day + 1),
    history: history.slice(-historyLength).map(dailyVisitToJson),
  }));
  return Array.from({ length: count }, (_, r) =>
    JSON.stringify({
      instances: Array.from(
        { length: perRequest },
        (_, i) => instances[(r * perRequest + i) % instances.length],
      ),
    }),
  );
}

/**
 * The server as the image ships it: `npm run build:training`'s bundles (the HTTP process and the worker
 * threads) copied into dist/bench-serve beside this benchmark's server entry, bundled the same way, so that
 * every process and thread of the server runs bundled code on plain Node. (From the sources, tsx's
 * transform makes every read of an imported binding a getter call, which the bundle does not pay.) Inside
 * the repository, so that the packages left external resolve from its node_modules. Returns the entry.
 */
async function buildServerBundle(): Promise<string> {
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const build = spawnSync(npm, ["run", "--silent", "build:training"], { cwd: REPO, encoding: "utf8" });
  if (build.status !== 0) {
    throw new Error(`npm run build:training failed (exit ${build.status}): ${build.stderr || build.stdout}`);
  }
  const dir = join(REPO, "dist/bench-serve");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const shipped = join(REPO, "dist/training");
  for (const file of readdirSync(shipped).filter((name) => name.endsWith(".js"))) {
    copyFileSync(join(shipped, file), join(dir, file));
  }
  const entry = join(dir, "bench-server.js");
  const { build: esbuild } = await import("esbuild");
  await esbuild({
    entryPoints: [join(__dirname, "bench-server.ts")],
    outfile: entry,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    packages: "external",
    logLevel: "error",
  });
  return entry;
}

/** Which code the server runs: the bundle's entry (plain Node), or the TypeScript sources through tsx. */
type ServerCode = { bundle: string } | "source";

async function startServerProcess(
  code: ServerCode,
  options: Omit<ServerOptions, "port">,
): Promise<{ url: string; child: ChildProcess }> {
  const stdio: ["ignore", "ignore", "inherit", "ipc"] = ["ignore", "ignore", "inherit", "ipc"];
  const child =
    code === "source"
      ? fork(join(__dirname, "bench-server.ts"), [JSON.stringify(options)], { stdio })
      : fork(code.bundle, [JSON.stringify(options)], { execArgv: [], stdio });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (message) => resolve((message as { port: number }).port));
    child.once("exit", (code) =>
      reject(new Error(`the server process exited with ${code} before listening`)),
    );
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

/** The server process's CPU time so far (µs). */
function serverCpuMicros(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const answer = (message: unknown) => {
      const cpu = (message as { cpuMicros?: number }).cpuMicros;
      if (cpu === undefined) return;
      child.off("message", answer);
      resolve(cpu);
    };
    child.on("message", answer);
    child.send("cpu");
  });
}

async function stopServerProcess(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.disconnect();
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
  if (child.exitCode === null) child.kill("SIGKILL");
}

/** Request bodies written once to a file that the load process reads. */
function bodiesFile(root: string, name: string, bodies: string[]): string {
  const file = join(root, `${name}.json`);
  writeFileSync(file, JSON.stringify(bodies));
  return file;
}

/** Drives the server from a load process of its own (bench-load.ts) and counts the outcomes. */
async function load(
  server: { url: string; child: ChildProcess },
  bodies: string,
  perRequest: number,
  connections: number,
  duration: number,
): Promise<LoadResult> {
  const job: LoadJob = { url: server.url, bodiesFile: bodies, connections, duration };
  const cpuBefore = await serverCpuMicros(server.child);
  const child = fork(join(__dirname, "bench-load.ts"), [JSON.stringify(job)], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const counts = await new Promise<LoadCounts>((resolve, reject) => {
    child.once("message", (message) => resolve(message as LoadCounts));
    child.once("exit", (code) => reject(new Error(`the load process exited with ${code} before its result`)));
  });
  const cpu = (await serverCpuMicros(server.child)) - cpuBefore;
  const ok = counts.statuses["200"] ?? 0;
  const shed = counts.statuses["503"] ?? 0;
  const answered = Object.values(counts.statuses).reduce((sum, count) => sum + count, 0);
  return {
    requestsPerSecond: Math.round(ok / duration),
    predictionsPerSecond: Math.round((ok * perRequest) / duration),
    p50: counts.p50,
    p99: counts.p99,
    ok,
    shed,
    other: answered - ok - shed,
    errors: counts.errors,
    timeouts: counts.timeouts,
    inFlightAtStop: counts.inFlightAtStop,
    writtenAfterClose: counts.writtenAfterClose,
    setupMs: counts.setupMs,
    serverCpuPerPrediction: ok > 0 ? cpu / (ok * perRequest) : Number.NaN,
  };
}

/** GETs /ping every 100 ms until stopped (over one kept-alive connection, as a health checker would). */
function pingUntilStopped(url: string) {
  const latencies: number[] = [];
  let failures = 0;
  let done = false;
  const loop = (async () => {
    while (!done) {
      const started = performance.now();
      try {
        const response = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(5000) });
        if (response.ok) latencies.push(performance.now() - started);
        else failures++;
        await response.arrayBuffer();
      } catch {
        failures++;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return async () => {
    done = true;
    await loop;
    latencies.sort((a, b) => a - b);
    const at = (q: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
    return { answered: latencies.length, failures, p50: at(0.5), max: at(1) };
  };
}

const row = (name: string, r: LoadResult) =>
  `${name.padEnd(44)} ${String(r.requestsPerSecond).padStart(8)} ${String(r.predictionsPerSecond).padStart(9)} ` +
  `${r.p50.toFixed(1).padStart(7)} ${r.p99.toFixed(1).padStart(7)} ${r.serverCpuPerPrediction.toFixed(0).padStart(9)}` +
  `   ${r.ok} ok, ${r.shed} × 503, ${r.other} other, ${r.timeouts} timed out (${TIMEOUT_SECONDS} s), ` +
  `${r.errors - r.timeouts} connection errors, ${r.inFlightAtStop} in flight at the end` +
  (r.writtenAfterClose > 0 ? `, ${r.writtenAfterClose} written to connections closed with a 503` : "");

export const benchServeCommand: Command<typeof options> = {
  name: "bench:serve",
  options,
  help: `
Usage: npm run bench:serve -- [--model-dir DIR] [--duration S] [--users N] [--epochs E] [--skip-baseline]
                             [--http-processes N] [--source]

Drives POST /invocations on loopback with autocannon (server and load tool each in a child process) and
prints the machine's cores and load, then requests/s, predictions/s, latency p50 and p99 (ms) of the
micro-batched server and of the unbatched baseline (zod, per-instance feature objects, one TF.js model call
per request, as before micro-batching), each measured in this run:
  1 instance per request over 8 connections; 100 instances per request over 16 connections;
then 1 instance per request over 1,000 connections against the batched server, with /ping polled throughout.
Each row also gives the server process's CPU time per prediction. The server runs the code the image ships:
the bundles of npm run build:training (built first, copied to dist/bench-serve), on plain Node.
Without --model-dir a small model is trained first on generated data (N users × 120 days, E epochs).

  --model-dir DIR    a trained model directory (skips training)
  --duration S       seconds of each load run (default 10)
  --users N          users of the generated data (default 200)
  --epochs E         training epochs of the small model (default 2)
  --skip-baseline    measure the batched server only
  --http-processes N the served path's HTTP processes behind the accepting one (default 1; 0: one process)
  --source           run the server from the TypeScript sources through tsx instead of the bundles`,
  async run(values) {
    const duration = parseIntegerOption("duration", values.duration, 10, 1, 120);
    const root = mkdtempSync(join(tmpdir(), "vt-bench-serve-"));
    const users = parseIntegerOption("users", values.users, 200, 10, 100_000);
    const csv = await generateDailyVisits(root, users);
    const epochs = parseIntegerOption("epochs", values.epochs, 2, 1, 100);
    const httpProcesses = parseIntegerOption("http-processes", values["http-processes"], 1, 0, 16);
    const modelDir = values["model-dir"] ?? (await trainSmallModel(root, epochs));
    const code: ServerCode = values.source === true ? "source" : { bundle: await buildServerBundle() };
    const { historyLength } = JSON.parse(readFileSync(join(modelDir, METADATA_FILE), "utf8")) as {
      historyLength: number;
    };
    const single = bodiesFile(root, "single", requestBodies(csv, historyLength, 1, 200));
    const hundred = bodiesFile(root, "hundred", requestBodies(csv, historyLength, 100, 20));
    // Few bodies for 1,000 connections: autocannon deep-copies every body into each connection before the
    // run, in one synchronous stretch (200 bodies took it 15-34 s of a loaded machine), and a connection's
    // timeout runs from its construction, so the first connections timed out before the run began.
    const crowdBodies = bodiesFile(root, "crowd", requestBodies(csv, historyLength, 1, 8));
    const cores = cpus();
    const lines = [
      "",
      `machine: ${cores.length} cores (${cores[0]?.model.trim() ?? "unknown"}), load average ${loadavg()
        .map((value) => value.toFixed(1))
        .join(" ")} at the start; the load generator (autocannon, its own process) and the /ping prober ` +
        "share these cores with the server",
      `model: ${modelDir} (history ${historyLength}); HTTP processes behind the accepting one: ${httpProcesses}; ` +
        `each run ${duration} s on 127.0.0.1; latencies in ms`,
      `server code: ${code === "source" ? "the TypeScript sources through tsx (--source)" : `the image's bundles (${code.bundle})`}`,
      "cpu µs/pred: the server process's CPU time per prediction (what its cores would give alone)",
      `${"server / load".padEnd(44)} ${"req/s".padStart(8)} ${"pred/s".padStart(9)} ${"p50".padStart(7)} ` +
        `${"p99".padStart(7)} ${"cpu µs/pred".padStart(9)}`,
    ];
    const servers: [string, boolean][] = [["micro-batched", false]];
    if (values["skip-baseline"] !== true) servers.push(["unbatched baseline", true]);
    for (const [name, unbatched] of servers) {
      const server = await startServerProcess(code, { modelDir, unbatched, httpProcesses });
      try {
        await load(server, single, 1, 8, 1); // warm-up
        lines.push(row(`${name}: 1 instance/request, 8 conn`, await load(server, single, 1, 8, duration)));
        // 16 connections, so that the server is not left idle while requests of 285 kB travel.
        const many = await load(server, hundred, 100, 16, duration);
        lines.push(row(`${name}: 100 instances/request, 16 conn`, many));
      } finally {
        await stopServerProcess(server.child);
      }
    }
    const server = await startServerProcess(code, { modelDir, httpProcesses });
    const { url, child } = server;
    try {
      const stopPinging = pingUntilStopped(url);
      const crowd = await load(server, crowdBodies, 1, 1000, duration);
      const ping = await stopPinging();
      lines.push(row("micro-batched: 1 instance/request, 1000 conn", crowd));
      lines.push(`  autocannon set up its 1,000 connections in ${(crowd.setupMs / 1000).toFixed(1)} s`);
      lines.push(
        `  /ping during the 1,000-connection run: ${ping.answered} answered (p50 ${ping.p50.toFixed(1)} ms, ` +
          `max ${ping.max.toFixed(1)} ms), ${ping.failures} failed; server ${
            (await fetch(`${url}/ping`)).ok ? "up" : "DOWN"
          } after the run`,
      );
    } finally {
      await stopServerProcess(child);
    }
    process.stdout.write(`${lines.join("\n")}\n`);
  },
};

if (require.main === module) {
  captureConsole();
  void runCommand(benchServeCommand, process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
