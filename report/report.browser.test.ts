// The run report as a person sees it: a real small local run (with cross-validation, so that the fold
// curves exist) writes report.html, which headless Chromium opens with the network cut off. The page must
// load without a console error or a request, and every chart and the pipeline graph must have drawn marks.
// Needs Debian's `chromium` (CI installs it); where it is absent the test is skipped and says why.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, before, describe, it } from "node:test";
import puppeteer, { type Browser } from "puppeteer-core";
import { DEFAULT_HYPERPARAMETERS } from "../contracts/hyperparameters";
import { generateSampleData } from "../local/sample-data";
import { runPipeline, type PipelineRunResult } from "../local/runner";

const CHROMIUM = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
const SKIP = existsSync(CHROMIUM)
  ? false
  : `no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`;

interface DrawnFigure {
  id: string;
  marks: number;
  width: number;
  height: number;
}

describe("report.html in a browser", { skip: SKIP }, () => {
  let root = "";
  let result: PipelineRunResult;
  let browser: Browser;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), "report-"));
    const hits = join(root, "hits.csv");
    await generateSampleData(hits, { users: 30, days: 50, seed: 11 });
    result = await runPipeline({
      workdir: join(root, "work"),
      executionName: "report-run",
      input: hits,
      endpointName: "visit-time-report",
      hyperparameters: {
        ...DEFAULT_HYPERPARAMETERS,
        epochs: "2",
        patience: "2",
        gru_units: "8",
        dense_units: "8",
        cv_folds: "2",
      },
      waitMs: 1,
      retryMs: 1,
    });
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    });
  });
  after(async () => {
    await browser?.close();
    await rm(root, { recursive: true, force: true });
  });

  it("is written by the run and named in its result", () => {
    assert.equal(result.summary.status, "SUCCEEDED");
    assert.ok(
      result.reportPath?.endsWith(join("runs", "report-run", "report.html")),
      String(result.reportPath),
    );
  });

  it("loads with no console error and no request, and every chart and the graph have drawn marks", async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`page error: ${String(error)}`));
    await page.setRequestInterception(true);
    page.on("request", (request) => {
      // The page itself is the only thing it may load: a self-contained report fetches nothing.
      if (request.url() === pathToFileURL(result.reportPath ?? "").href) void request.continue();
      else {
        problems.push(`request: ${request.url()}`);
        void request.abort();
      }
    });
    await page.goto(pathToFileURL(result.reportPath ?? "").href, { waitUntil: "load" });

    const figures = await page.$$eval("figure[data-chart]", (elements) =>
      elements.map((element) => {
        const svg = element.querySelector("svg");
        const box = svg?.getBoundingClientRect();
        return {
          id: element.getAttribute("data-chart") ?? "",
          // Vega draws lines and bars as paths, Graphviz nodes as polygons/ellipses/paths.
          marks: svg ? svg.querySelectorAll("path, polygon, ellipse, rect, line").length : 0,
          width: box?.width ?? 0,
          height: box?.height ?? 0,
        };
      }),
    );
    const ids = figures.map((figure: DrawnFigure) => figure.id).sort();
    assert.deepEqual(ids, [
      "error-by-hour",
      "error-by-weekday",
      "learning-loss",
      "learning-mae",
      "model-vs-baselines",
      "pipeline-graph",
    ]);
    for (const figure of figures) {
      assert.ok(
        figure.width > 100 && figure.height > 100,
        `${figure.id} is drawn at ${figure.width}×${figure.height}`,
      );
      assert.ok(figure.marks > 5, `${figure.id} has ${figure.marks} marks`);
    }
    // The graph colours what ran: the states this run succeeded in are drawn in the succeeded colours.
    const succeededNodes = await page.$$eval(
      'figure[data-chart="pipeline-graph"] g.node polygon[fill="#e3f6e5"], figure[data-chart="pipeline-graph"] g.node path[fill="#e3f6e5"], figure[data-chart="pipeline-graph"] g.node ellipse[fill="#e3f6e5"]',
      (nodes) => nodes.length,
    );
    assert.ok(succeededNodes >= 8, `${succeededNodes} states drawn as succeeded`);
    const text = await page.$eval("body", (body) => body.innerText);
    for (const part of ["Quality gate", "Lineage", "source SQL sha256", "fold", "same_weekday_last_seen"]) {
      assert.ok(text.includes(part), `the page shows "${part}"`);
    }
    assert.deepEqual(problems, []);
    await page.close();
  });
});
