// `npm run bench:scale -- --users 28000 --days 120 [--epochs 1]`: the data path at scale, against a pandas
// peer in the same invocation. Generates the raw hits (cached), runs bench/peers/pandas_features.py on them,
// then the whole local pipeline (`local/cli.ts run`, DuckDB as Athena, child processes as SageMaker jobs),
// sampling the resident memory of each process tree from /proc. Without --epochs the pipeline is stopped
// once Preprocess is done (raw hits → training-ready examples is what is compared); with it, it runs to the
// end with that many epochs. Prints per-stage seconds, rows/s and peak RSS, and the ratio to pandas
// (`--no-peer` skips the peer, e.g. on inputs whose pandas run would not fit in memory).
// Not part of `npm test`. Linux only (/proc).
import { spawn } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { sampleTreeRss } from "./process-tree";

const REPO = resolve(__dirname, "..");
const HELP = `Usage: npm run bench:scale -- [--users N] [--days D] [--epochs E] [--seed S] [--dir DIR]

  --users N    simulated users (default 28000: with 120 days about 16 M raw hits)
  --days D     simulated days (default 120)
  --epochs E   run the pipeline to the end with E training epochs (default: stop after Preprocess)
  --seed S     generator seed (default 1)
  --dir DIR    where the hits (cached) and the run's workdir go (default $TMPDIR/vt-bench-scale)
  --python P   the Python with pandas (default /usr/bin/python3)
  --no-peer    skip the pandas peer (only the pipeline's figures are printed)
`;

interface Measured {
  seconds: number;
  peakRssMb: number;
  lines: string[];
}

/** Runs a command, sampling its process tree's RSS; `stopWhen` ends it (SIGTERM to its group) early. */
function measure(command: string, args: string[], stopWhen?: (line: string) => boolean): Promise<Measured> {
  const started = Date.now();
  const child = spawn(command, args, { cwd: REPO, stdio: ["ignore", "pipe", "inherit"], detached: true });
  const sampler = sampleTreeRss(child.pid!);
  const lines: string[] = [];
  let stopped = false;
  createInterface({ input: child.stdout }).on("line", (line) => {
    lines.push(line);
    process.stdout.write(`    ${line}\n`);
    if (!stopped && stopWhen?.(line)) {
      stopped = true;
      process.kill(-child.pid!, "SIGTERM");
      setTimeout(() => {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          // already gone
        }
      }, 5000).unref();
    }
  });
  return new Promise((done, fail) => {
    child.on("error", fail);
    child.on("close", (code) => {
      const peakRssMb = sampler.stop();
      if (code !== 0 && !stopped) fail(new Error(`${command} ${args.join(" ")} exited with ${code}`));
      else done({ seconds: (Date.now() - started) / 1000, peakRssMb, lines });
    });
  });
}

async function countLines(file: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(file)) {
    for (const byte of chunk as Buffer) if (byte === 10) lines++;
  }
  return lines;
}

/** "850 ms", "12.3 s", "2 min 5 s" (local/summary.ts formatDuration) → seconds. */
function seconds(text: string): number {
  const minutes = /(\d+) min (\d+) s/.exec(text);
  if (minutes) return Number(minutes[1]) * 60 + Number(minutes[2]);
  const value = Number.parseFloat(text);
  return text.endsWith("ms") ? value / 1000 : value;
}

const fmt = (value: number, digits = 1) => value.toLocaleString("en-US", { maximumFractionDigits: digits });

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      users: { type: "string" },
      days: { type: "string" },
      epochs: { type: "string" },
      seed: { type: "string" },
      dir: { type: "string" },
      python: { type: "string" },
      "no-peer": { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const users = Number(values.users ?? 28_000);
  const days = Number(values.days ?? 120);
  const seed = Number(values.seed ?? 1);
  const epochs = values.epochs === undefined ? undefined : Number(values.epochs);
  for (const [name, value] of Object.entries({ users, days, seed, epochs: epochs ?? 1 })) {
    if (!Number.isInteger(value) || value < (name === "seed" ? 0 : 1)) {
      throw new Error(`--${name} must be a whole number${name === "seed" ? "" : " >= 1"}`);
    }
  }
  const dir = resolve(values.dir ?? join(tmpdir(), "vt-bench-scale"));
  mkdirSync(dir, { recursive: true });
  const hits = join(dir, `hits-${users}x${days}-s${seed}.csv`);
  if (!existsSync(hits)) {
    process.stdout.write(`generating ${hits}\n`);
    await measure(process.execPath, [
      "--max-old-space-size=12000",
      "--import",
      "tsx",
      "training/generate-data/main.ts",
      ...["--users", String(users), "--days", String(days), "--seed", String(seed), "--out", hits],
    ]);
  }
  const rawHits = (await countLines(hits)) - 1;
  process.stdout.write(`raw hits: ${fmt(rawHits, 0)} (${users} users × ${days} days)\n`);

  const python = values.python ?? "/usr/bin/python3";
  if (!values["no-peer"]) process.stdout.write("\npandas peer:\n");
  const peer = values["no-peer"]
    ? undefined
    : await measure(python, ["bench/peers/pandas_features.py", "--input", hits]);
  const peerResult = JSON.parse(peer?.lines.find((line) => line.startsWith("{")) ?? "{}") as {
    dailyVisits?: number;
  };

  process.stdout.write("\nlocal pipeline:\n");
  const workdir = join(dir, `work-${Date.now()}`);
  const pipeline = await measure(
    process.execPath,
    [
      "--import",
      "tsx",
      "local/cli.ts",
      "run",
      ...["--input", hits, "--workdir", workdir, "--hp", `epochs=${epochs ?? 1}`],
    ],
    epochs === undefined ? (line) => /✔ Preprocess\b/.test(line) : undefined,
  );
  const stages = new Map<string, number>();
  for (const line of pipeline.lines) {
    const match = /[✔✖] (\w+)\s+(\d[\d.]* (?:ms|s)|\d+ min \d+ s)/.exec(line);
    if (match) stages.set(match[1]!, (stages.get(match[1]!) ?? 0) + seconds(match[2]!));
  }
  const dailyVisits = Number(
    /daily visits: (\d+) read/.exec(pipeline.lines.join("\n"))?.[1] ?? peerResult.dailyVisits ?? 0,
  );
  const query =
    (stages.get("StartQuery") ?? 0) + (stages.get("GetQueryStatus") ?? 0) + (stages.get("WaitForQuery") ?? 0);
  const toExamples = query + (stages.get("SnapshotDataset") ?? 0) + (stages.get("Preprocess") ?? 0);
  const rows: [string, number | undefined, number | undefined][] = [
    ["query (DuckDB as Athena)", query, rawHits],
    ["snapshot", stages.get("SnapshotDataset"), undefined],
    ["preprocess", stages.get("Preprocess"), dailyVisits],
    ["raw hits → examples", toExamples, rawHits],
    ["train", stages.get("Train"), undefined],
    ["evaluate", stages.get("Evaluate"), undefined],
  ];
  process.stdout.write(`\n${"stage".padEnd(28)} ${"seconds".padStart(9)} ${"rows/s".padStart(12)}\n`);
  for (const [name, time, count] of rows) {
    if (time === undefined) continue;
    const rate = count !== undefined && time > 0 ? fmt(count / time, 0) : "";
    process.stdout.write(`${name.padEnd(28)} ${fmt(time).padStart(9)} ${rate.padStart(12)}\n`);
  }
  const runs = join(workdir, "runs");
  const summaryFile = existsSync(runs)
    ? readdirSync(runs)
        .map((run) => join(runs, run, "summary.json"))
        .find((file) => existsSync(file))
    : undefined;
  if (summaryFile) {
    const summary = JSON.parse(readFileSync(summaryFile, "utf8")) as {
      status: string;
      jobs?: unknown;
      training?: unknown;
    };
    process.stdout.write(
      `run ${summary.status}; jobs ${JSON.stringify(summary.jobs ?? null)}; training ${JSON.stringify(summary.training ?? null)}\n`,
    );
  }
  process.stdout.write(
    `\npipeline process tree peak RSS: ${fmt(pipeline.peakRssMb, 0)} MB` +
      (epochs === undefined ? " (stopped after Preprocess)" : "") +
      (peer
        ? `\npandas peer: ${fmt(peer.seconds)} s, peak RSS ${fmt(peer.peakRssMb, 0)} MB` +
          `\nraw hits → training-ready examples: pipeline ${fmt(toExamples)} s vs pandas ${fmt(peer.seconds)} s: ` +
          `${fmt(peer.seconds / toExamples, 2)}× faster`
        : `\nraw hits → training-ready examples: pipeline ${fmt(toExamples)} s (no peer run)`) +
      "\n",
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
