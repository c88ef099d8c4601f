// The drawings of the definition: complete, and the README's Mermaid block is the current definition's.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { branchEdges } from "../components/asl/graph";
import { pipelineSettingsFromConfig, placeholderReferences } from "../components/config";
import { buildPipelineDefinition } from "../components/pipeline/definition";
import {
  dotToSvg,
  toDot,
  toMermaid,
  withMermaidBlock,
  README_GRAPH_END,
  README_GRAPH_START,
} from "./pipeline-graph";
import { readStackConfigFile } from "../components/stack-config-file";

const file = readStackConfigFile("dev");
const definition = buildPipelineDefinition(
  pipelineSettingsFromConfig(file.config, placeholderReferences("dev", file.region, file.config.kmsKeyArn)),
);

describe("drawing the definition", () => {
  it("draws every state and every transition in Mermaid", () => {
    const mermaid = toMermaid(definition);
    for (const name of Object.keys(definition.States)) assert.match(mermaid, new RegExp(`\\b${name}\\b`));
    const arrows = mermaid.split("\n").filter((line) => /-->|-\.->/.test(line));
    assert.equal(arrows.length, branchEdges(definition).length);
    assert.match(mermaid, /QueryDone -->\|"counters.queryPolls >= 120"\| DescribeQueryPollLimit/);
    assert.match(mermaid, /Train -\.->\|"error"\| TrainingFailed/);
  });

  it("renders an SVG with every state", async () => {
    const svg = await dotToSvg(toDot(definition));
    assert.match(svg, /^<\?xml|<svg/);
    for (const name of Object.keys(definition.States))
      assert.ok(svg.includes(`>${name}</text>`), `${name} missing from the SVG`);
  });

  it("keeps README.md's Mermaid block equal to the definition (run npm run graph after changing it)", () => {
    const readme = readFileSync("README.md", "utf8");
    assert.equal(withMermaidBlock(readme, toMermaid(definition)), readme);
  });

  it("refuses a README without the markers", () => {
    assert.throws(
      () => withMermaidBlock("# no markers", "flowchart TD"),
      new RegExp(README_GRAPH_START.slice(0, 20)),
    );
    assert.ok(README_GRAPH_END.startsWith("<!--"));
  });
});
