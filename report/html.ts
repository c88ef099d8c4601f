// report.html: one self-contained page (inline CSS and SVG, no script, nothing fetched) with the run's
// graph, learning curves, the model against the baselines, where the errors are, the gate's decision,
// the deployment and the lineage.
import { formatDuration, readableCause } from "../execution/format";
import { evaluationCharts, learningCurveCharts, renderCharts, type Chart } from "./charts";
import { GRAPH_LEGEND, runGraphSvg } from "./graph";
import type { RunReport } from "./run-report";

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Graphviz's SVG starts with an XML prolog and a DOCTYPE, which do not belong inside HTML. */
function inlineSvg(svg: string): string {
  return svg.slice(Math.max(0, svg.indexOf("<svg")));
}

const CSS = `
body { font-family: Helvetica, Arial, sans-serif; color: #222; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }
.status { display: inline-block; padding: 0.1rem 0.5rem; border-radius: 4px; font-weight: bold; }
.SUCCEEDED { background: #e3f6e5; color: #1e7b3c; } .FAILED, .TIMED_OUT { background: #fde2e1; color: #a32b1f; }
.ABORTED, .RUNNING { background: #eee; color: #444; }
.meta { color: #555; } .error { color: #a32b1f; white-space: pre-wrap; }
table { border-collapse: collapse; font-size: 0.9rem; }
th, td { text-align: left; padding: 0.25rem 0.6rem; border-bottom: 1px solid #eee; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.mono, code { font-family: Menlo, Consolas, monospace; font-size: 0.82rem; word-break: break-all; }
figure { margin: 1rem 0; } figcaption { color: #555; font-size: 0.85rem; max-width: 720px; }
.charts { display: flex; flex-wrap: wrap; gap: 1.5rem; }
.graph svg { max-width: 100%; max-height: 1500px; width: auto; height: auto; }
.legend span { display: inline-block; margin-right: 1rem; font-size: 0.85rem; }
.legend i { display: inline-block; width: 0.9rem; height: 0.9rem; border: 2px solid; vertical-align: middle; margin-right: 0.3rem; }
`;

function table(headers: string[], rows: string[][], numeric: number[] = []): string {
  return `<table><thead><tr>${headers.map((h) => `<th>${escape(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map(
      (row) =>
        `<tr>${row.map((cell, index) => `<td${numeric.includes(index) ? ' class="num"' : ""}>${cell}</td>`).join("")}</tr>`,
    )
    .join("")}</tbody></table>`;
}

function figure(chart: Chart, svg: string | undefined): string {
  return `<figure class="chart" data-chart="${chart.id}"><h3>${escape(chart.title)}</h3>${
    svg ? inlineSvg(svg) : "<p>(not rendered)</p>"
  }<figcaption>${escape(chart.caption)}</figcaption></figure>`;
}

export async function renderReportHtml(report: RunReport): Promise<string> {
  const curveCharts = report.curves ? learningCurveCharts(report.curves) : [];
  const evalCharts = report.evaluation ? evaluationCharts(report.evaluation) : [];
  const svgs = await renderCharts([...curveCharts, ...evalCharts]);
  const graph = await runGraphSvg(report.definition, report.states);
  const evaluation = report.evaluation;
  const sections: string[] = [];

  sections.push(`<header>
<h1>Run ${escape(report.executionName)} <span class="status ${escape(report.status)}">${escape(report.status)}</span></h1>
<p class="meta">${report.where === "local" ? "local run" : "AWS execution"} · started ${escape(report.startedAt)} · ${escape(
    formatDuration(report.durationMs),
  )}${report.states.length ? ` · final state ${escape(report.states.at(-1)?.name ?? "")}` : ""}</p>
${report.error ? `<p class="error"><b>${escape(report.error)}</b>${report.cause ? `: ${escape(readableCause(report.cause))}` : ""}</p>` : ""}
</header>`);

  sections.push(`<section id="graph"><h2>Pipeline</h2>
<p class="legend">${GRAPH_LEGEND.map(
    ([label, colours]) =>
      `<span><i style="background:${colours.fill};border-color:${colours.stroke}"></i>${escape(label)}</span>`,
  ).join("")}</p>
<figure class="graph" data-chart="pipeline-graph">${inlineSvg(graph)}<figcaption>Each state with its total duration; ×n: visits (loops), and retries.</figcaption></figure></section>`);

  sections.push(
    `<section id="training"><h2>Training</h2>${
      curveCharts.length
        ? `<div class="charts">${curveCharts.map((chart) => figure(chart, svgs.get(chart.id))).join("")}</div>${
            report.curves?.folds.length
              ? table(
                  ["fold", "validation MAE (h)", "RMSE (h)", "epochs"],
                  report.curves.folds.map((fold) => [
                    String(fold.fold),
                    fold.mae.toFixed(3),
                    fold.rmse.toFixed(3),
                    String(fold.epochs.length),
                  ]),
                  [1, 2, 3],
                )
              : ""
          }`
        : "<p>No training summary: the run did not get as far as a trained model.</p>"
    }</section>`,
  );

  sections.push(
    `<section id="evaluation"><h2>Evaluation</h2>${
      evaluation
        ? `${table(
            ["predictor", "MAE (h)", "RMSE (h)"],
            [
              ["<b>model (GRU)</b>", evaluation.model.mae.toFixed(3), evaluation.model.rmse.toFixed(3)],
              ...(evaluation.champion
                ? [
                    [
                      `champion ${escape(evaluation.champion.model_name)} (the endpoint's model)`,
                      evaluation.champion.mae.toFixed(3),
                      evaluation.champion.rmse.toFixed(3),
                    ],
                  ]
                : []),
              ...Object.entries(evaluation.baselines)
                .sort((a, b) => a[1].mae - b[1].mae)
                .map(([name, metrics]) => [escape(name), metrics.mae.toFixed(3), metrics.rmse.toFixed(3)]),
            ],
            [1, 2],
          )}<div class="charts">${evalCharts.map((chart) => figure(chart, svgs.get(chart.id))).join("")}</div>`
        : "<p>No evaluation: the run did not get as far as evaluating a model.</p>"
    }</section>`,
  );

  sections.push(
    `<section id="gate"><h2>Quality gate and deployment</h2>${table(
      ["", ""],
      [
        ["decision", `<b>${escape(report.gate.decision)}</b>`],
        ["reason", escape(report.gate.reason)],
        ["deployed by this run", report.deployed ? "yes" : "no"],
        ["endpoint", escape(report.endpointName)],
        ["model the endpoint serves", escape(report.modelVersion ?? "none yet")],
        [
          "endpoint version",
          report.endpointVersion === undefined || report.endpointVersion === null
            ? "—"
            : String(report.endpointVersion),
        ],
      ],
    )}</section>`,
  );

  sections.push(
    `<section id="lineage"><h2>Lineage</h2>${table(
      ["", ""],
      report.lineage.map(({ label, value }) => [escape(label), `<code>${escape(value)}</code>`]),
    )}</section>`,
  );

  sections.push(
    `<section id="states"><h2>States</h2>${table(
      ["state", "type", "status", "started", "duration", "error"],
      report.states.map((state) => [
        escape(state.name),
        escape(state.type),
        escape(state.status + (state.caughtBy ? ` → ${state.caughtBy}` : "")),
        escape(state.startedAt.slice(11, 23)),
        escape(formatDuration(state.durationMs)),
        state.error
          ? `${escape(state.error)}${state.cause ? `: ${escape(readableCause(state.cause).slice(0, 300))}` : ""}${
              state.logsUrl ? ` (<a href="${escape(state.logsUrl)}">logs</a>)` : ""
            }`
          : "",
      ]),
      [4],
    )}</section>`,
  );

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Run ${escape(report.executionName)}: ${escape(report.status)}</title><style>${CSS}</style></head>
<body>${sections.join("\n")}</body></html>
`;
}
