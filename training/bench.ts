// `npm run bench:training`: the GRU's training throughput against the PyTorch peer (bench-throughput.ts),
// then generate → source SQL on DuckDB → preprocess → train → evaluate → serve in one process, timing each
// step. Prints the ratio, the MAE table and the throughput figures quoted in training/README.md.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeDailyVisitsCsv } from "../sql/duckdb";
import { formatDay } from "./core/dates";
import { dailyVisitToJson } from "./data/daily-visits";
import { readDailyVisits } from "./data/read-daily-visits";
import { evaluate, evaluationTable } from "./evaluate/evaluate";
import { simulateHits } from "./generate-data/simulate";
import { writeHits } from "./generate-data/write";
import { packModelDir } from "./model/archive";
import { initBackend } from "./model/backend";
import { trainingThreads } from "./model/training-threads";
import { groupByUser } from "./preprocess/examples";
import { preprocess, DEFAULT_PREPROCESS_OPTIONS } from "./preprocess/preprocess";
import { type Command, parseIntegerOption, runCommand } from "./runtime/entry";
import { InputError } from "./runtime/errors";
import { captureConsole } from "./runtime/log";
import { containerPaths } from "./runtime/paths";
import { startServer } from "./serve/server";
import { train } from "./train/train";
import { throughputReport } from "./bench-throughput";

const options = {
  users: { type: "string" },
  days: { type: "string" },
  seed: { type: "string" },
  hp: { type: "string", multiple: true },
  workdir: { type: "string" },
  "batch-size": { type: "string" },
  requests: { type: "string" },
  "throughput-examples": { type: "string" },
  "throughput-only": { type: "boolean" },
  rounds: { type: "string" },
} as const;

function parseHp(pairs: string[] | undefined): Record<string, string> {
  return Object.fromEntries(
    (pairs ?? []).map((pair) => {
      const [key, value] = pair.split("=");
      if (!key || value === undefined) throw new InputError(`--hp must be name=value, got "${pair}"`);
      return [key, value];
    }),
  );
}

async function measureServing(modelDir: string, dailyVisitsCsv: string, batchSize: number, requests: number) {
  const { visits } = readDailyVisits(dailyVisitsCsv);
  const instances = [...groupByUser(visits).values()].map((history) => {
    const last = history[history.length - 1];
    return {
      date: formatDay((last?.day ?? 0) + 1),
      history: history.slice(-30).map(dailyVisitToJson),
    };
  });
  const server = await startServer({ modelDir, port: 0, host: "127.0.0.1" });
  try {
    const started = Date.now();
    let predictions = 0;
    for (let r = 0; r < requests; r++) {
      const batch = Array.from(
        { length: batchSize },
        (_, i) => instances[(r * batchSize + i) % instances.length],
      );
      const response = await fetch(`http://127.0.0.1:${server.port}/invocations`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ instances: batch }),
      });
      if (!response.ok) throw new Error(`/invocations answered ${response.status}: ${await response.text()}`);
      predictions += ((await response.json()) as { predictions: unknown[] }).predictions.length;
    }
    return Math.round(predictions / ((Date.now() - started) / 1000));
  } finally {
    await server.close();
  }
}

export const benchCommand: Command<typeof options> = {
  name: "bench:training",
  options,
  help: `
Usage: npm run bench:training -- [--users N] [--days D] [--seed S] [--hp name=value]... [--workdir DIR]
                                 [--batch-size B] [--requests R] [--throughput-examples E] [--rounds K]
                                 [--throughput-only]

First measures GRU training samples/s, ours (the fused GRU on the WebAssembly kernel with 1 and with
VT_TRAIN_THREADS threads, default 2, and on TF.js ops with as many threads) and the PyTorch peer
bench/peers/torch_gru.py (Debian python3-torch at /usr/bin/python3 or $VT_PYTHON, with 1 and with 2
threads; the ratio is to the faster), on E random examples (default 10240) for the fixed shapes (GRU 64, dense 64, batch 256) and for the defaults
(GRU 32, dense 32, batch 512), 14 steps, and prints the ratio; with K rounds (default 3) the three runs
are repeated, interleaved, and the median ratio (of the kernel with VT_TRAIN_THREADS threads) printed. The peer's OpenMP and BLAS threads are pinned to
its thread count. --throughput-only stops there. Then runs
generate → SQL (DuckDB) → preprocess → train → evaluate → serve in one process and prints the MAE
table (model and the three baselines) and throughput: preprocess rows/s, training samples/s with the
backend, /invocations predictions/s (R requests of B instances). Defaults: 200 users, 180 days, seed 1
(the dataset of the figures in training/README.md), B = 100, R = 20.
`,
  async run(values) {
    const throughput = await throughputReport(
      parseIntegerOption("throughput-examples", values["throughput-examples"], 10240, 512, 10_000_000),
      parseIntegerOption("rounds", values.rounds, 3, 1, 50),
      trainingThreads(process.env["VT_TRAIN_THREADS"], await initBackend(), "wasm"),
    );
    process.stdout.write(`${throughput.join("\n")}\n`);
    if (values["throughput-only"]) return;
    const users = parseIntegerOption("users", values.users, 200, 1, 1_000_000);
    const days = parseIntegerOption("days", values.days, 180, 30, 3650);
    const seed = parseIntegerOption("seed", values.seed, 1, 0, 2 ** 32 - 1);
    const root = values.workdir ?? mkdtempSync(join(tmpdir(), "vt-bench-"));
    const paths = containerPaths({ VT_ML_ROOT: root });
    const hitsFile = join(root, "raw-hits.csv");
    const hits = simulateHits({ users, days, seed, startDate: "2024-01-01", malformed: 0 });
    await writeHits(hitsFile, hits, true);
    mkdirSync(paths.preprocessInput, { recursive: true });
    const dailyVisitsCsv = join(paths.preprocessInput, "daily-visits.csv");
    const sqlStarted = Date.now();
    const dailyRows = await writeDailyVisitsCsv(hitsFile, dailyVisitsCsv);
    const sqlMs = Date.now() - sqlStarted;
    const report = await preprocess({
      input: paths.preprocessInput,
      output: paths.preprocessOutput,
      ...DEFAULT_PREPROCESS_OPTIONS,
    });
    mkdirSync(join(root, "input/config"), { recursive: true });
    writeFileSync(paths.hyperparameters, JSON.stringify(parseHp(values.hp)));
    const trainStarted = Date.now();
    const trained = await train({
      data: paths.preprocessOutput,
      hyperparametersFile: paths.hyperparameters,
      modelDir: paths.modelDir,
      threads: process.env["VT_TRAIN_THREADS"],
      kernel: process.env["VT_TRAIN_KERNEL"],
    });
    const trainMs = Date.now() - trainStarted;
    await packModelDir(paths.modelDir, paths.evaluateModelArchive);
    const evaluation = await evaluate({
      model: paths.evaluateModelArchive,
      data: paths.preprocessOutput,
      output: paths.evaluationDir,
    });
    const predictionsPerSecond = await measureServing(
      paths.modelDir,
      dailyVisitsCsv,
      parseIntegerOption("batch-size", values["batch-size"], 100, 1, 1000),
      parseIntegerOption("requests", values.requests, 20, 1, 10_000),
    );
    const lines = [
      "",
      `dataset: ${users} users × ${days} days, seed ${seed}: ${hits.length} raw hits, ${dailyRows} daily visits`,
      `examples: train ${report.examples.train}, validation ${report.examples.validation}, test ${report.examples.test}`,
      `test period: ${evaluation.test_period.first} .. ${evaluation.test_period.last}`,
      "",
      "predictor                     MAE (h)   RMSE (h)",
      ...evaluationTable(evaluation).map(
        (row) =>
          `${row.predictor.padEnd(28)} ${row.mae.toFixed(3).padStart(7)}   ${row.rmse.toFixed(3).padStart(8)}`,
      ),
      `model vs best baseline (${evaluation.best_baseline}): ${(evaluation.improvement_over_best_baseline * 100).toFixed(1)}% lower MAE`,
      "",
      `source SQL (DuckDB):   ${sqlMs} ms for ${hits.length} raw hits`,
      `preprocess:            ${report.rowsPerSecond} daily-visit rows/s (${report.durationMs} ms)`,
      `training:              ${trained.samplesPerSecond} samples/s on ${trained.backend}, ${trained.epochs.length} epochs ` +
        `(best ${trained.best.epoch}), ${(trainMs / 1000).toFixed(1)} s in total`,
      `/invocations:          ${predictionsPerSecond} predictions/s`,
      `workdir:               ${root}`,
    ];
    process.stdout.write(`${lines.join("\n")}\n`);
  },
};

if (require.main === module) {
  captureConsole();
  void runCommand(benchCommand, process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
