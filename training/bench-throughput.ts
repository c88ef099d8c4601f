// The GRU training throughput of `npm run bench:training`: our fused model (forward, hand-written backward,
// Adam; on the WebAssembly kernel, and on TF.js ops for comparison) against the PyTorch peer
// bench/peers/torch_gru.py on the same shapes, batch size and number of examples, on random data built before
// the clock starts, one after the other in the same invocation. The peer runs with 1 and with 2 threads and
// the faster counts: on a busy 2-core machine PyTorch's 2 OpenMP threads wait on each other and 1 thread is
// several times faster, on an idle one 2 threads win. Its BLAS and OpenMP pools are pinned to the same count
// (else "1 thread" still multiplies on every core). The three measurements are repeated in rounds,
// interleaved, and the median of each round's ratio is the figure: on a shared machine one round can land in
// a burst of someone else's work.
import { execFileSync } from "node:child_process";
import { loadavg } from "node:os";
import { join } from "node:path";
import { normal, seededRandom } from "./core/random";
import { HOURS_PER_DAY } from "./core/hours";
import { CURRENT_COLUMNS, STEP_COLUMNS } from "./features/features";
import { parseHyperparameters } from "../contracts/hyperparameters";
import { initBackend } from "./model/backend";
import type { TrainingBatch } from "./model/batch";
import type { TrainingKernel } from "./model/training-threads";
import { startTraining } from "./train/fit";

export interface ThroughputShape {
  name: string;
  units: number;
  denseUnits: number;
  batchSize: number;
  steps: number;
}

export const THROUGHPUT_SHAPES: ThroughputShape[] = [
  { name: "fixed (GRU 64, dense 64, batch 256)", units: 64, denseUnits: 64, batchSize: 256, steps: 14 },
  { name: "defaults (GRU 32, dense 32, batch 512)", units: 32, denseUnits: 32, batchSize: 512, steps: 14 },
];

function randomBatches(shape: ThroughputShape, count: number, seed: number): TrainingBatch[] {
  const random = seededRandom(seed);
  const { batchSize: b, steps: t } = shape;
  return Array.from({ length: count }, () => {
    const labels = new Float32Array(b * HOURS_PER_DAY);
    for (let i = 0; i < b; i++) labels[i * HOURS_PER_DAY + Math.floor(random() * HOURS_PER_DAY)] = 1;
    return {
      size: b,
      steps: t,
      stepWidth: STEP_COLUMNS.length,
      currentWidth: CURRENT_COLUMNS.length,
      sequence: Float32Array.from({ length: t * b * STEP_COLUMNS.length }, () => normal(random)),
      current: Float32Array.from({ length: b * CURRENT_COLUMNS.length }, () => normal(random)),
      labels,
    };
  });
}

const WARMUP_BATCHES = 5;

/** Training throughput: samples per second of wall time and per second of the process's CPU time. */
export interface Throughput {
  samplesPerSecond: number;
  samplesPerCpuSecond: number;
}

/**
 * Our training throughput with `kernel` computing the gradients and `threads` threads sharing each batch
 * (gradient-pool.ts) over `examples` (rounded down to whole batches) after five warm-up batches. CPU time
 * counts every thread of the process.
 */
export async function measureOurs(
  shape: ThroughputShape,
  examples: number,
  threads: number,
  kernel: TrainingKernel = "wasm",
): Promise<Throughput> {
  await initBackend();
  const hp = parseHyperparameters({
    gru_units: String(shape.units),
    dense_units: String(shape.denseUnits),
    batch_size: String(shape.batchSize),
  });
  const { model, trainer } = await startTraining(
    { steps: shape.steps, stepWidth: STEP_COLUMNS.length, currentWidth: CURRENT_COLUMNS.length },
    hp,
    { threads, kernel },
  );
  const batches = randomBatches(shape, Math.max(1, Math.floor(examples / shape.batchSize)), 1);
  try {
    for (let i = 0; i < WARMUP_BATCHES; i++) await trainer.step(batches[i % batches.length]!);
    trainer.takeMeanLoss();
    const started = performance.now();
    const cpuStarted = process.cpuUsage();
    for (const batch of batches) await trainer.step(batch);
    trainer.takeMeanLoss();
    const cpu = process.cpuUsage(cpuStarted);
    const samples = batches.length * shape.batchSize;
    return {
      samplesPerSecond: Math.round(samples / ((performance.now() - started) / 1000)),
      samplesPerCpuSecond: Math.round(samples / ((cpu.user + cpu.system) / 1e6)),
    };
  } finally {
    await trainer.dispose();
    model.dispose();
  }
}

/** The PyTorch peer's samples/s with `threads` threads, from its JSON line. */
export function measureTorch(
  shape: ThroughputShape,
  examples: number,
  threads: number,
): Throughput & { threads: number } {
  const python = process.env["VT_PYTHON"] ?? "/usr/bin/python3";
  const script = join(__dirname, "..", "bench", "peers", "torch_gru.py");
  const output = execFileSync(
    python,
    [
      script,
      `--units=${shape.units}`,
      `--dense-units=${shape.denseUnits}`,
      `--batch-size=${shape.batchSize}`,
      `--steps=${shape.steps}`,
      `--step-width=${STEP_COLUMNS.length}`,
      `--current-width=${CURRENT_COLUMNS.length}`,
      `--examples=${examples}`,
      `--warmup=${WARMUP_BATCHES}`,
      `--threads=${threads}`,
    ],
    {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      env: {
        ...process.env,
        OMP_NUM_THREADS: String(threads),
        OPENBLAS_NUM_THREADS: String(threads),
        MKL_NUM_THREADS: String(threads),
      },
    },
  );
  const result = JSON.parse(output.trim().split("\n").at(-1) ?? "{}") as {
    samples_per_sec?: number;
    samples_per_cpu_sec?: number;
    threads?: number;
  };
  if (typeof result.samples_per_sec !== "number" || typeof result.samples_per_cpu_sec !== "number") {
    throw new Error(`${script} printed no samples_per_sec and samples_per_cpu_sec: ${output}`);
  }
  return {
    samplesPerSecond: result.samples_per_sec,
    samplesPerCpuSecond: result.samples_per_cpu_sec,
    threads: result.threads ?? 0,
  };
}

const TORCH_THREADS = [1, 2];

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/**
 * Lines comparing ours (the WebAssembly kernel with the trainer's own thread alone and with `threads` threads
 * sharing each batch, and the TF.js kernel with `threads` threads) with PyTorch (the faster of its thread
 * counts) for each shape, over `rounds` interleaved rounds: each round's figures, then the median ratio of
 * our WebAssembly kernel's `threads`-thread figure.
 */
export async function throughputReport(examples: number, rounds = 1, threads = 2): Promise<string[]> {
  const load = () => loadavg()[0]!.toFixed(1);
  const lines = [
    `GRU training throughput (14 steps, ${examples} random examples per measurement, ${rounds} round` +
      `${rounds > 1 ? "s" : ""}, load average ${load()}),`,
    "samples/s of wall time (per CPU-second in brackets):",
  ];
  const figure = (run: Throughput) =>
    `${String(run.samplesPerSecond).padStart(6)} (${String(run.samplesPerCpuSecond).padStart(6)})`;
  const plural = (count: number) => `${count} thread${count > 1 ? "s" : ""}`;
  const runs: { kernel: TrainingKernel; threads: number }[] = [
    { kernel: "wasm", threads: 1 },
    ...(threads > 1 ? [{ kernel: "wasm" as const, threads }] : []),
    { kernel: "tfjs", threads },
  ];
  const counted = runs.findLast((run) => run.kernel === "wasm")!;
  const label = (run: { kernel: TrainingKernel; threads: number }) => `${run.kernel} ${plural(run.threads)}`;
  for (const shape of THROUGHPUT_SHAPES) {
    const ratios: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const ours: Throughput[] = [];
      for (const run of runs) ours.push(await measureOurs(shape, examples, run.threads, run.kernel));
      const torch = TORCH_THREADS.map((count) => measureTorch(shape, examples, count));
      const best = Math.max(...torch.map((run) => run.samplesPerSecond));
      ratios.push(ours[runs.indexOf(counted)]!.samplesPerSecond / best);
      lines.push(
        `  ${shape.name}${rounds > 1 ? `, round ${round}` : ""}: ours ` +
          ours.map((run, i) => `${label(runs[i]!)} ${figure(run)}`).join(", ") +
          "   PyTorch " +
          torch.map((run) => `${plural(run.threads)} ${figure(run)}`).join(", ") +
          `   ours (${label(counted)}) / faster PyTorch ${ratios.at(-1)!.toFixed(2)}`,
      );
    }
    if (rounds > 1) {
      lines.push(
        `  ${shape.name}: median ours (${label(counted)}) / faster PyTorch ${median(ratios).toFixed(2)} ` +
          `(rounds: ${ratios.map((ratio) => ratio.toFixed(2)).join(", ")})`,
      );
    }
  }
  lines.push(`  load average after: ${load()}`);
  return lines;
}
