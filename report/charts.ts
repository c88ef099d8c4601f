// The report's charts: Vega-Lite specifications compiled and rendered to SVG by Vega in Node (no browser,
// no canvas). vega and vega-lite are ESM-only: they are loaded dynamically, and nothing the Pulumi
// program imports reaches this module.
import type { TopLevelSpec } from "vega-lite" with { "resolution-mode": "import" };
import type { LearningCurves, ReportEvaluation } from "./run-report";

export interface Chart {
  /** Stable id (the browser test checks each one rendered). */
  id: string;
  title: string;
  caption: string;
  spec: TopLevelSpec;
}

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const WIDTH = 360;
const HEIGHT = 200;
const FONT = "Helvetica, Arial, sans-serif";

const CONFIG = {
  font: FONT,
  // Predictor names (user_median_first_hour, champion <model>) are long: no ellipsis below 260 px.
  axis: { labelFontSize: 11, titleFontSize: 11, gridColor: "#e6e6e6", labelLimit: 260 },
  legend: { labelFontSize: 11, titleFontSize: 11, labelLimit: 260 },
  view: { stroke: "#dddddd" },
};

function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

export function learningCurveCharts(curves: LearningCurves): Chart[] {
  const runs = [
    ...curves.folds.map((fold) => ({ run: `fold ${fold.fold}`, epochs: fold.epochs })),
    { run: curves.folds.length > 0 ? "final model" : "model", epochs: curves.final },
  ];
  const loss = runs.flatMap(({ run, epochs }) =>
    epochs.flatMap((epoch) => [
      { run, epoch: epoch.epoch, series: "training loss", value: finite(epoch.trainLoss) },
      { run, epoch: epoch.epoch, series: "validation loss", value: finite(epoch.validationLoss) },
    ]),
  );
  const mae = runs.flatMap(({ run, epochs }) =>
    epochs.map((epoch) => ({ run, epoch: epoch.epoch, value: finite(epoch.validationMae) })),
  );
  const epochAxis = {
    field: "epoch",
    type: "quantitative",
    title: "epoch",
    axis: { tickMinStep: 1 },
  } as const;
  return [
    {
      id: "learning-loss",
      title: "Learning curves: loss",
      caption:
        "Cross-entropy of the 24-hour classification (nats) per epoch, on the training and validation splits" +
        (curves.folds.length > 0 ? ", for each cross-validation fold and the final model." : ".") +
        (curves.bestEpoch !== undefined ? ` The final model keeps epoch ${curves.bestEpoch}.` : ""),
      spec: {
        $schema: "https://vega.github.io/schema/vega-lite/v6.json",
        config: CONFIG,
        data: { values: loss },
        facet: { field: "run", type: "nominal", title: null, sort: runs.map((r) => r.run) },
        columns: 3,
        spec: {
          width: curves.folds.length > 0 ? 220 : WIDTH,
          height: HEIGHT - 40,
          mark: { type: "line", point: true },
          encoding: {
            x: epochAxis,
            y: { field: "value", type: "quantitative", title: "loss (nats)", scale: { zero: false } },
            color: {
              field: "series",
              type: "nominal",
              title: null,
              scale: { range: ["#1f77b4", "#ff7f0e"] },
            },
          },
        },
      },
    },
    {
      id: "learning-mae",
      title: "Learning curves: validation MAE",
      caption: "Circular mean absolute error of the decoded hour on the validation split, hours, per epoch.",
      spec: {
        $schema: "https://vega.github.io/schema/vega-lite/v6.json",
        config: CONFIG,
        width: WIDTH,
        height: HEIGHT,
        data: { values: mae },
        mark: { type: "line", point: true },
        encoding: {
          x: epochAxis,
          y: { field: "value", type: "quantitative", title: "validation MAE (h)", scale: { zero: false } },
          color: { field: "run", type: "nominal", title: null, sort: runs.map((r) => r.run) },
        },
      },
    },
  ];
}

export function evaluationCharts(evaluation: ReportEvaluation): Chart[] {
  const predictors = [
    ["model (GRU)", evaluation.model] as const,
    ...(evaluation.champion
      ? [[`champion ${evaluation.champion.model_name}`, evaluation.champion] as const]
      : []),
    ...Object.entries(evaluation.baselines).sort((a, b) => a[1].mae - b[1].mae),
  ];
  const metrics = predictors.flatMap(([predictor, values]) => [
    { predictor, metric: "MAE", hours: values.mae },
    { predictor, metric: "RMSE", hours: values.rmse },
  ]);
  const charts: Chart[] = [
    {
      id: "model-vs-baselines",
      title: "The model against the baselines",
      caption: `Test error in hours (circular), n = ${evaluation.n_test ?? "?"} test days. Lower is better.`,
      spec: {
        $schema: "https://vega.github.io/schema/vega-lite/v6.json",
        config: CONFIG,
        width: WIDTH,
        height: HEIGHT,
        data: { values: metrics },
        mark: { type: "bar" },
        encoding: {
          y: { field: "predictor", type: "nominal", title: null, sort: predictors.map(([name]) => name) },
          yOffset: { field: "metric", type: "nominal" },
          x: { field: "hours", type: "quantitative", title: "test error (h)" },
          color: { field: "metric", type: "nominal", title: null, scale: { range: ["#1f77b4", "#9ecae1"] } },
        },
      },
    },
  ];
  const baseline = evaluation.best_baseline ?? "best baseline";
  const slices = (
    id: string,
    title: string,
    rows: NonNullable<ReportEvaluation["error_by_hour"]>,
    axis: string,
    label: (key: number) => string | number,
  ): Chart => ({
    id,
    title,
    caption: `Mean circular error (h) of the model and of ${baseline}, with the number of test days in each group.`,
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      config: CONFIG,
      width: WIDTH,
      height: HEIGHT,
      data: {
        values: rows.flatMap((row) => [
          { group: label(row.key), order: row.key, predictor: "model (GRU)", mae: row.model_mae, n: row.n },
          { group: label(row.key), order: row.key, predictor: baseline, mae: row.baseline_mae, n: row.n },
        ]),
      },
      mark: { type: "bar" },
      encoding: {
        x: {
          field: "group",
          type: "ordinal",
          title: axis,
          sort: { field: "order" },
          axis: { labelAngle: 0 },
        },
        xOffset: { field: "predictor", type: "nominal" },
        y: { field: "mae", type: "quantitative", title: "MAE (h)" },
        color: { field: "predictor", type: "nominal", title: null, scale: { range: ["#1f77b4", "#bbbbbb"] } },
        tooltip: [
          { field: "predictor", type: "nominal" },
          { field: "mae", type: "quantitative", format: ".2f" },
          { field: "n", type: "quantitative", title: "test days" },
        ],
      },
    },
  });
  if (evaluation.error_by_hour?.length) {
    charts.push(
      slices(
        "error-by-hour",
        "Error by hour of day",
        evaluation.error_by_hour,
        "actual first hour",
        (key) => key,
      ),
    );
  }
  if (evaluation.error_by_weekday?.length) {
    charts.push(
      slices(
        "error-by-weekday",
        "Error by day of week",
        evaluation.error_by_weekday,
        "day of week",
        (key) => WEEKDAYS[key] ?? String(key),
      ),
    );
  }
  return charts;
}

/** Compiles and renders each chart to an SVG string. */
export async function renderCharts(charts: readonly Chart[]): Promise<Map<string, string>> {
  const [vega, vegaLite] = await Promise.all([import("vega"), import("vega-lite")]);
  const rendered = new Map<string, string>();
  for (const chart of charts) {
    const compiled = vegaLite.compile(chart.spec).spec;
    const view = new vega.View(vega.parse(compiled), { renderer: "none" });
    try {
      rendered.set(chart.id, await view.toSVG());
    } finally {
      view.finalize();
    }
  }
  return rendered;
}
