// The pipeline graph of a run: the definition drawn by Graphviz (pipeline-graph.ts, also behind `npm run graph`), each state
// coloured by its outcome, with how often it ran, its total duration and its retries.
import type { StateMachineDefinition } from "../components/asl/types";
import type { StateRecord } from "../execution/state-records";
import { formatDuration } from "../execution/format";
import { dotToSvg, toDot, type NodeDecoration } from "./pipeline-graph";

const COLOURS = {
  succeeded: { fill: "#e3f6e5", stroke: "#27ae60" },
  retried: { fill: "#fff1d6", stroke: "#e67e22" },
  failed: { fill: "#fde2e1", stroke: "#c0392b" },
  aborted: { fill: "#eeeeee", stroke: "#555555" },
  notRun: { fill: "#ffffff", stroke: "#cccccc" },
} as const;

/** A state's decoration from its records (all its visits and attempts). */
export function decorationOf(name: string, records: readonly StateRecord[]): NodeDecoration {
  const mine = records.filter((record) => record.name === name);
  if (mine.length === 0) return { ...COLOURS.notRun, label: name, faded: true };
  const retries = mine.filter((record) => record.status === "RETRIED").length;
  const visits = mine.length - retries;
  const total = mine.reduce((sum, record) => sum + record.durationMs, 0);
  const failed = mine.some((record) => record.status === "CAUGHT" || record.status === "FAILED");
  const aborted = mine.some((record) => record.status === "ABORTED");
  const colours = aborted
    ? COLOURS.aborted
    : failed
      ? COLOURS.failed
      : retries > 0
        ? COLOURS.retried
        : COLOURS.succeeded;
  const details = [
    formatDuration(total),
    visits > 1 ? `×${visits}` : "",
    retries > 0 ? `${retries} ${retries === 1 ? "retry" : "retries"}` : "",
  ].filter(Boolean);
  return { ...colours, label: `${name}\n${details.join(" · ")}` };
}

export async function runGraphSvg(
  definition: StateMachineDefinition,
  records: readonly StateRecord[],
): Promise<string> {
  return dotToSvg(toDot(definition, (name) => decorationOf(name, records)));
}

export const GRAPH_LEGEND = [
  ["succeeded", COLOURS.succeeded],
  ["retried, then succeeded", COLOURS.retried],
  ["failed or caught", COLOURS.failed],
  ["aborted", COLOURS.aborted],
  ["not run", COLOURS.notRun],
] as const;
