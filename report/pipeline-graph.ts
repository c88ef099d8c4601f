// Renders a definition as Mermaid (embedded in the README) and as Graphviz DOT (compiled to SVG with
// Graphviz-in-WASM): the counterpart of the Data Science SDK's render_graph().
import { branchEdges, type Edge } from "../components/asl/graph";
import type { State, StateMachineDefinition } from "../components/asl/types";

/** Mermaid node ids must be plain identifiers; state names are kept as labels. */
function nodeId(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, "_");
}

function mermaidNode(name: string, state: State): string {
  const id = nodeId(name);
  switch (state.Type) {
    case "Choice":
      return `${id}{${name}}`;
    case "Succeed":
    case "Fail":
      return `${id}([${name}])`;
    case "Wait":
      return `${id}[/${name}/]`;
    case "Pass":
      return `${id}[${name}]`;
    case "Task":
    case "Parallel":
    case "Map":
      return `${id}[[${name}]]`;
    default: {
      const unknown: never = state;
      throw new Error(`Unknown state ${JSON.stringify(unknown)}`);
    }
  }
}

function mermaidLabel(edge: Edge): string {
  if (!edge.label) return "";
  const text = edge.kind === "catch" ? "error" : edge.label;
  return `|"${text.replace(/"/g, "'")}"|`;
}

export function toMermaid(definition: StateMachineDefinition): string {
  const lines = ["flowchart TD"];
  for (const [name, state] of Object.entries(definition.States)) lines.push(`  ${mermaidNode(name, state)}`);
  for (const edge of branchEdges(definition)) {
    const arrow = edge.kind === "catch" ? "-.->" : "-->";
    lines.push(`  ${nodeId(edge.from)} ${arrow}${mermaidLabel(edge)} ${nodeId(edge.to)}`);
  }
  const fails = Object.entries(definition.States)
    .filter(([, state]) => state.Type === "Fail")
    .map(([name]) => nodeId(name));
  const succeeds = Object.entries(definition.States)
    .filter(([, state]) => state.Type === "Succeed")
    .map(([name]) => nodeId(name));
  lines.push("  classDef fail fill:#fde2e1,stroke:#c0392b", "  classDef succeed fill:#e3f6e5,stroke:#27ae60");
  if (fails.length > 0) lines.push(`  class ${fails.join(",")} fail`);
  if (succeeds.length > 0) lines.push(`  class ${succeeds.join(",")} succeed`);
  return lines.join("\n");
}

const DOT_SHAPES: Record<State["Type"], string> = {
  Task: 'box, style="rounded,filled", fillcolor="#e8f0fe"',
  Pass: 'box, style=filled, fillcolor="#f4f4f4"',
  Wait: 'parallelogram, style=filled, fillcolor="#fff7e0"',
  Choice: 'diamond, style=filled, fillcolor="#fffbe6"',
  Succeed: 'oval, style=filled, fillcolor="#e3f6e5"',
  Fail: 'oval, style=filled, fillcolor="#fde2e1"',
  Parallel: "box3d",
  Map: "box3d",
};

function dotString(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** How a run report draws one state: its outcome's colours and a label with durations and retries. */
export interface NodeDecoration {
  fill: string;
  stroke: string;
  label: string;
  /** Drawn faint and dashed (a state the run never entered). */
  faded?: boolean;
}

export function toDot(
  definition: StateMachineDefinition,
  decorate?: (name: string) => NodeDecoration | undefined,
): string {
  const lines = [
    "digraph pipeline {",
    '  graph [rankdir=TB, fontname="Helvetica", nodesep=0.35, ranksep=0.4];',
    '  node [fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=9];',
    `  __start [shape=circle, label="", width=0.2, style=filled, fillcolor=black];`,
    `  __start -> ${dotString(definition.StartAt)};`,
  ];
  for (const [name, state] of Object.entries(definition.States)) {
    const decoration = decorate?.(name);
    // Later attributes win: the outcome's colours replace the shape's default fill.
    const extra = decoration
      ? `, fillcolor=${dotString(decoration.fill)}, color=${dotString(decoration.stroke)}, ` +
        `label=${dotString(decoration.label).replace(/\n/g, "\\n")}, penwidth=${decoration.faded ? 1 : 2}` +
        (decoration.faded ? ', fontcolor="#888888"' : "")
      : "";
    lines.push(`  ${dotString(name)} [shape=${DOT_SHAPES[state.Type]}${extra}];`);
  }
  for (const edge of branchEdges(definition)) {
    const attributes = [
      // Long conditions are broken at "and"/"or" so that labels do not run into each other.
      edge.label && edge.kind !== "catch"
        ? `label=${dotString(edge.label).replace(/ (and|or) /g, "\\n$1 ")}`
        : "",
      edge.kind === "catch" ? 'style=dashed, color="#c0392b"' : "",
    ].filter(Boolean);
    lines.push(
      `  ${dotString(edge.from)} -> ${dotString(edge.to)}${attributes.length ? ` [${attributes.join(", ")}]` : ""};`,
    );
  }
  lines.push("}");
  return lines.join("\n");
}

export async function dotToSvg(dot: string): Promise<string> {
  // ESM-only package: loaded dynamically from this CommonJS module.
  const { Graphviz } = await import("@hpcc-js/wasm-graphviz");
  const graphviz = await Graphviz.load();
  return graphviz.dot(dot, "svg");
}

export const README_GRAPH_START = "<!-- pipeline-graph:start (npm run graph rewrites this block) -->";
export const README_GRAPH_END = "<!-- pipeline-graph:end -->";

/** Replaces the Mermaid block between the README markers; fails if the markers are missing. */
export function withMermaidBlock(readme: string, mermaid: string): string {
  const start = readme.indexOf(README_GRAPH_START);
  const end = readme.indexOf(README_GRAPH_END);
  if (start < 0 || end < start)
    throw new Error(`README.md lacks the markers ${README_GRAPH_START} ... ${README_GRAPH_END}.`);
  const block = `${README_GRAPH_START}\n\`\`\`mermaid\n${mermaid}\n\`\`\`\n`;
  return readme.slice(0, start) + block + readme.slice(end);
}
