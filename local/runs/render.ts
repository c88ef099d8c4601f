// The tables of `npm run runs`: list (one line per run), show (one run in full), compare (two runs side
// by side: metrics, hyperparameters, data, durations). Pure: a catalog in, lines out.
import { formatDuration, readableCause } from "../../execution/format";
import { evaluationTable, lineageLine } from "../summary";
import type { Catalog, RunEntry } from "./catalog";

/** Columns padded to their widest cell; the first row is the header. */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
  return rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join("  ")
      .trimEnd(),
  );
}

function hours(value: number | undefined): string {
  return value === undefined ? "—" : value.toFixed(3);
}

/** "-18.4%": how much lower (negative) or higher the model's MAE is than the best baseline's. */
function versusBaseline(run: RunEntry): string {
  const metrics = run.modelPackage?.metrics;
  if (!metrics || metrics.bestBaseline.mae <= 0) return "—";
  const change = (metrics.model.mae / metrics.bestBaseline.mae - 1) * 100;
  return `${change >= 0 ? "+" : ""}${change.toFixed(1)}%`;
}

function gateDecision(run: RunEntry): string {
  const gate = run.modelPackage?.gate;
  if (!gate) return run.summary?.finalState === "ModelKept" ? "rejected" : "—";
  if (gate.forced) return "forced";
  return gate.deploy ? "accepted" : "rejected";
}

function deployedColumn(run: RunEntry): string {
  if (run.serving) return "serving";
  return run.endpointVersions.length > 0 ? `earlier (v${run.endpointVersions.join(", v")})` : "";
}

export function renderList(catalog: Catalog): string[] {
  if (catalog.runs.length === 0) return [`No runs in ${catalog.layout.runs}.`];
  const rows = catalog.runs.map((run) => [
    run.name,
    run.summary?.status ?? "RUNNING?",
    run.summary?.startedAt.replace("T", " ").slice(0, 19) ?? "",
    run.summary ? formatDuration(run.summary.durationMs) : "",
    hours(run.modelPackage?.metrics.model.mae),
    run.modelPackage
      ? `${run.modelPackage.metrics.bestBaseline.name} ${hours(run.modelPackage.metrics.bestBaseline.mae)}`
      : "—",
    versusBaseline(run),
    gateDecision(run),
    run.modelPackage
      ? `v${run.modelPackage.ModelPackageVersion} ${run.modelPackage.ModelApprovalStatus}`
      : "—",
    deployedColumn(run),
  ]);
  const header = [
    "RUN",
    "STATUS",
    "STARTED (UTC)",
    "DURATION",
    "MAE h",
    "BEST BASELINE h",
    "VS BASELINE",
    "GATE",
    "REGISTRY",
    "DEPLOYED",
  ];
  const serving = catalog.deployment
    ? `Endpoint ${catalog.endpointName} serves ${catalog.deployment.modelName} (endpoint version ${catalog.deployment.version}).`
    : `Endpoint ${catalog.endpointName} does not exist.`;
  return [...table([header, ...rows]), "", serving];
}

export function renderShow(run: RunEntry): string[] {
  const { summary, modelPackage } = run;
  const lines = [`Run ${run.name}`];
  if (!summary) return [...lines, "  no summary.json: the run is in progress, or its process was killed."];
  lines.push(
    `  status      ${summary.status}${summary.finalState ? ` (final state ${summary.finalState})` : ""}`,
    `  started     ${summary.startedAt}, took ${formatDuration(summary.durationMs)}`,
  );
  if (summary.error) lines.push(`  error       ${summary.error}: ${readableCause(summary.cause ?? "")}`);
  lines.push(`  gate        ${summary.gateReason}`);
  lines.push(`  deployed    ${deployedColumn(run) || "no"}`);
  if (summary.evaluation) lines.push("", ...evaluationTable(summary.evaluation));
  if (summary.lineage) {
    const { lineage } = summary;
    lines.push("", lineageLine(lineage));
    for (const file of lineage.input.files) lines.push(`  ${file.sha256}  ${file.sizeBytes} B  ${file.path}`);
    if (lineage.dataset) lines.push(`  snapshot ${lineage.dataset.uri}`, `  sql      ${lineage.sql.uri}`);
    lines.push(
      `  backend  ${lineage.backend ?? "—"}`,
      `  hyperparameters ${Object.entries(lineage.hyperparameters)
        .map(([k, v]) => `${k}=${v}`)
        .join(" ")}`,
    );
  }
  if (modelPackage) {
    lines.push("", `Model package ${modelPackage.ModelPackageArn}: ${modelPackage.ModelApprovalStatus}`);
    lines.push(
      `  model ${modelPackage.modelName}, ${modelPackage.InferenceSpecification.Containers[0]?.ModelDataUrl ?? ""}`,
    );
    for (const change of modelPackage.approvals) {
      lines.push(`  ${change.at}  ${change.status.padEnd(21)} by ${change.by}: ${change.description}`);
    }
  } else {
    lines.push("", "No model package: the run evaluated no model.");
  }
  if (summary.jobs.length > 0) {
    lines.push("", "Jobs:");
    for (const job of summary.jobs) {
      lines.push(
        `  ${job.jobName}  ${formatDuration(Math.round(job.wallSeconds * 1000))}  ${job.peakRssMb ?? "?"} MB`,
      );
    }
  }
  lines.push(
    "",
    "Artifacts:",
    ...Object.entries(summary.artifacts).map(([name, uri]) => `  ${name.padEnd(12)} ${uri}`),
  );
  return lines;
}

/** Total time per state name (all attempts and loop visits). */
function stateDurations(run: RunEntry): Map<string, number> {
  const totals = new Map<string, number>();
  for (const state of run.summary?.states ?? []) {
    totals.set(state.name, (totals.get(state.name) ?? 0) + state.durationMs);
  }
  return totals;
}

export function renderCompare(a: RunEntry, b: RunEntry): string[] {
  const rows: string[][] = [["", a.name, b.name]];
  const section = (title: string) => rows.push([`— ${title}`, "", ""]);
  const row = (name: string, pick: (run: RunEntry) => string | null | undefined) => {
    const [x, y] = [pick(a) ?? "—", pick(b) ?? "—"];
    rows.push([`${x === y ? " " : "*"} ${name}`, x, y]);
  };
  section("outcome");
  row("status", (run) => run.summary?.status);
  row("final state", (run) => run.summary?.finalState ?? undefined);
  row("gate", gateDecision);
  row(
    "registry",
    (run) =>
      run.modelPackage && `v${run.modelPackage.ModelPackageVersion} ${run.modelPackage.ModelApprovalStatus}`,
  );
  row("deployed", (run) => deployedColumn(run) || "no");
  section("metrics (hours, circular)");
  row("MAE", (run) => hours(run.modelPackage?.metrics.model.mae));
  row("RMSE", (run) => hours(run.modelPackage?.metrics.model.rmse));
  row("vs best baseline", versusBaseline);
  const baselines = new Set([a, b].flatMap((run) => Object.keys(run.modelPackage?.metrics.baselines ?? {})));
  for (const name of [...baselines].sort()) {
    row(`${name} MAE`, (run) => hours(run.modelPackage?.metrics.baselines[name]?.mae));
  }
  row("champion MAE", (run) => {
    const champion = run.modelPackage?.metrics.champion;
    return champion ? `${hours(champion.mae)} (${champion.modelName})` : undefined;
  });
  row("test examples", (run) => run.modelPackage?.metrics.nTest.toString());
  section("hyperparameters");
  const hp = (run: RunEntry) => run.summary?.lineage?.hyperparameters ?? {};
  for (const name of [...new Set([...Object.keys(hp(a)), ...Object.keys(hp(b))])].sort()) {
    row(name, (run) => hp(run)[name]);
  }
  row("backend", (run) => run.summary?.lineage?.backend ?? undefined);
  section("data");
  row("input", (run) => run.summary?.lineage?.input.paths.join(", "));
  row("input bytes", (run) => run.summary?.lineage?.input.sizeBytes.toString());
  row("input sha256", (run) => run.summary?.lineage?.input.sha256?.slice(0, 16));
  row("snapshot sha256", (run) => run.summary?.lineage?.dataset?.sha256.slice(0, 16));
  row("snapshot bytes", (run) => run.summary?.lineage?.dataset?.sizeBytes.toString());
  row("sql sha256", (run) => run.summary?.lineage?.sql.sha256.slice(0, 16));
  section("durations");
  row("total", (run) => run.summary && formatDuration(run.summary.durationMs));
  const [da, db] = [stateDurations(a), stateDurations(b)];
  for (const name of ["Preprocess", "Train", "Evaluate", "EvaluateWithChampion"]) {
    if (da.has(name) || db.has(name)) {
      row(name, (run) => {
        const ms = (run === a ? da : db).get(name);
        return ms === undefined ? undefined : formatDuration(ms);
      });
    }
  }
  row("training samples/s", (run) => run.summary?.training?.samplesPerSecond.toString());
  return [...table(rows), "", "* the two runs differ"];
}
