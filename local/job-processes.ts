// A job directory's process.json: the run's process that owns the job and, once spawned, the container's,
// so that a later command can stop the jobs of a run whose process was lost (lost-runs.ts).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { currentProcess, identityOf, type ProcessIdentity } from "./process-identity";

export const JOB_PROCESS_FILE = "process.json";

export interface JobProcesses {
  owner: ProcessIdentity;
  container: ProcessIdentity | null;
}

/** Written synchronously: the job's directory names its owner before anything can be lost. */
export function recordJobProcesses(jobDir: string, containerPid: number | null): void {
  const record: JobProcesses = {
    owner: currentProcess(),
    container: containerPid === null ? null : identityOf(containerPid),
  };
  writeFileSync(join(jobDir, JOB_PROCESS_FILE), `${JSON.stringify(record, null, 2)}\n`);
}
