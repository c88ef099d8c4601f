// What a run and its jobs leave while they are in progress, so that a later command can finish the record
// of a run whose process was lost (lost-runs.ts): the run's owner (process.json: the process, when it
// started, what the summary needs) and its events as they happen (events.jsonl). A job directory keeps its
// own process.json (job-processes.ts).
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import type { ExecutionEvent } from "./executor";
import { causeText } from "./executor";
import { createJsonFile } from "./json-files";
import type { RunLineage } from "./lineage";
import { currentProcess, type ProcessIdentity } from "./process-identity";

export const RUN_OWNER_FILE = "process.json";
export const RUN_EVENTS_FILE = "events.jsonl";

/** `<runDir>/process.json`, written as the run directory is claimed. */
export interface RunOwner {
  process: ProcessIdentity;
  startedAt: string;
  endpointName: string;
  lineage: Pick<RunLineage, "sql" | "hyperparameters">;
}

export async function recordRunOwner(runDir: string, owner: Omit<RunOwner, "process">): Promise<void> {
  await createJsonFile(join(runDir, RUN_OWNER_FILE), { process: currentProcess(), ...owner });
}

/** Appends one event as it happens (a cause as text, as history.json has it). */
export function appendRunEvent(runDir: string, event: ExecutionEvent): void {
  const line = "Cause" in event ? { ...event, Cause: causeText(event.Cause) } : event;
  appendFileSync(join(runDir, RUN_EVENTS_FILE), `${JSON.stringify(line)}\n`);
}

/** The events a run appended; a last line cut short by the process's end is left out. */
export function parseRunEvents(text: string): ExecutionEvent[] {
  const events: ExecutionEvent[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      events.push(JSON.parse(line) as ExecutionEvent);
    } catch {
      break;
    }
  }
  return events;
}
