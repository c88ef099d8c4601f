// A run whose process was lost (kill -9, a crash the handlers could not catch, a power cut) has no
// summary.json and its jobs stay InProgress forever. Every command that opens a work directory (npm start,
// npm run serve, npm run runs) first looks for such runs and finishes their record: summary.json and
// history.json ABORTED with error ProcessLost and the lost process in the cause, built from the events the
// run appended as it went (run-owner.ts); every InProgress job of a lost owner is killed if its container
// still runs, and its job.json marked Stopped, as SageMaker stops the jobs of an aborted execution. The run
// also gets its report.html, drawn from the definition it recorded at its start and its last state's data.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ExecutionEvent, ExecutionOutcome } from "./executor";
import { createJsonFile, isErrno, readJsonIfExists, replaceJsonFile } from "./json-files";
import { isProcessIdentity, killIfAlive, processState, type ProcessIdentity } from "./process-identity";
import { historyOf, StateRecorder } from "./run-record";
import { writeLocalReport } from "./run-report";
import { JOB_PROCESS_FILE, type JobProcesses } from "./job-processes";
import { parseRunEvents, RUN_EVENTS_FILE, RUN_OWNER_FILE, type RunOwner } from "./run-owner";
import { summaryPlaces, workdirLayout } from "./runner";
import { artifactUris, buildSummary, lastStateData } from "./summary";
import type { StateMachineDefinition } from "../components/asl/types";

export const PROCESS_LOST = "ProcessLost";

export interface LostRunsReport {
  /** Runs recorded ABORTED, with the pid of the process that was lost and their report (null if none). */
  runs: { executionName: string; pid: number; reportPath: string | null }[];
  /** Jobs marked Stopped (their container killed when it still ran). */
  jobs: { jobName: string; killed: boolean }[];
}

async function directories(path: string): Promise<string[]> {
  try {
    const entries = await readdir(path, { withFileTypes: true });
    return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  } catch (error) {
    if (isErrno(error, "ENOENT")) return [];
    throw error;
  }
}

const lost = (identity: unknown): identity is ProcessIdentity =>
  isProcessIdentity(identity) && processState(identity) === "lost";

function lostCause(pid: number, command: string, at: Date): string {
  return (
    `The process ${pid} that ran this execution ended without writing its record (killed by SIGKILL, ` +
    `a crash or a power cut: nothing it could catch); \`${command}\` found it gone at ${at.toISOString()}, ` +
    "recorded the run and stopped its jobs."
  );
}

/** Marks the InProgress jobs of lost owners Stopped, killing a container that still runs. */
async function stopOrphanJobs(jobsRoot: string, command: string): Promise<LostRunsReport["jobs"]> {
  const stopped: LostRunsReport["jobs"] = [];
  for (const jobName of await directories(jobsRoot)) {
    const jobDir = join(jobsRoot, jobName);
    const processes = await readJsonIfExists<JobProcesses>(join(jobDir, JOB_PROCESS_FILE));
    if (!processes || !lost(processes.owner)) continue;
    const job = await readJsonIfExists<Record<string, unknown>>(join(jobDir, "job.json"));
    const statusKey = ["TrainingJobStatus", "ProcessingJobStatus"].find((key) => job?.[key] !== undefined);
    if (!job || !statusKey || job[statusKey] !== "InProgress") continue;
    const killed = processes.container !== null && killIfAlive(processes.container);
    const now = Date.now();
    const endKey = statusKey === "TrainingJobStatus" ? "TrainingEndTime" : "ProcessingEndTime";
    await replaceJsonFile(join(jobDir, "job.json"), {
      ...job,
      [statusKey]: "Stopped",
      ...(statusKey === "TrainingJobStatus" ? { SecondaryStatus: "Stopped" } : {}),
      FailureReason:
        `Stopped: the run's process ${processes.owner.pid} was lost; \`${command}\` stopped the job` +
        (killed ? ` and killed its container (pid ${processes.container?.pid})` : "") +
        ".",
      LastModifiedTime: now,
      [endKey]: now,
    });
    stopped.push({ jobName, killed });
  }
  return stopped;
}

/**
 * Writes summary.json, history.json and report.html of a run whose process was lost; false if another
 * command did, else the report's path (null when it could not be drawn: the records are written anyway).
 */
async function recordLostRun(
  workdir: string,
  executionName: string,
  owner: RunOwner,
  command: string,
): Promise<{ reportPath: string | null } | false> {
  const layout = workdirLayout(workdir);
  const runDir = join(layout.runs, executionName);
  let events: ExecutionEvent[] = [];
  try {
    events = parseRunEvents(await readFile(join(runDir, RUN_EVENTS_FILE), "utf8"));
  } catch (error) {
    if (!isErrno(error, "ENOENT")) throw error;
  }
  const foundAt = new Date();
  const lastSeen = events.at(-1)?.timestamp ?? Date.parse(owner.startedAt);
  // The end the executor would have logged: the state in progress is recorded ABORTED.
  const aborted = { type: "ExecutionAborted", timestamp: lastSeen } as ExecutionEvent;
  const outcome: ExecutionOutcome = {
    status: "ABORTED",
    output: null,
    error: PROCESS_LOST,
    cause: lostCause(owner.process.pid, command, foundAt),
    events: [...events, aborted],
  };
  const recorder = new StateRecorder();
  for (const event of outcome.events) recorder.add(event);
  const startedAt = new Date(owner.startedAt);
  const summary = await buildSummary({
    executionName,
    startedAt,
    outcome,
    states: recorder.records,
    ...(await summaryPlaces(layout, executionName, artifactUris(outcome), owner.endpointName)),
    jobs: [],
    training: null,
    lineage: {
      input: {
        paths: [],
        files: [],
        sizeBytes: 0,
        sha256: null,
        problem: "not recorded: the run's process was lost",
      },
      ...owner.lineage,
    },
  });
  // Its duration is what it ran, up to its last event, not the time until it was found.
  summary.durationMs = Math.max(0, lastSeen - startedAt.getTime());
  if (!(await createJsonFile(join(runDir, "summary.json"), summary))) return false;
  await createJsonFile(join(runDir, "history.json"), historyOf(outcome.events));
  const definition = await readJsonIfExists<StateMachineDefinition>(join(runDir, "definition.json")).catch(
    () => undefined,
  );
  if (!definition) return { reportPath: null };
  try {
    const reportPath = await writeLocalReport({
      summary,
      definition,
      lastData: lastStateData(outcome),
      s3Root: layout.s3,
      path: join(runDir, "report.html"),
    });
    return { reportPath };
  } catch {
    // As at the end of a run: the report is drawn from the records already written, never needed for them.
    return { reportPath: null };
  }
}

/**
 * Finds the runs of `workdir` left in progress by a lost process and finishes their records; stops their
 * jobs. Runs and jobs of live processes, or of processes on another host, are left alone. `command` names
 * the command that found them, for the cause.
 */
export async function recoverLostRuns(workdir: string, command: string): Promise<LostRunsReport> {
  const layout = workdirLayout(workdir);
  const jobs = await stopOrphanJobs(layout.jobs, command);
  const runs: LostRunsReport["runs"] = [];
  for (const executionName of await directories(layout.runs)) {
    const runDir = join(layout.runs, executionName);
    if ((await readJsonIfExists(join(runDir, "summary.json"))) !== undefined) continue;
    const owner = await readJsonIfExists<RunOwner>(join(runDir, RUN_OWNER_FILE));
    if (!owner || !lost(owner.process)) continue;
    const recorded = await recordLostRun(workdir, executionName, owner, command);
    if (recorded) runs.push({ executionName, pid: owner.process.pid, reportPath: recorded.reportPath });
  }
  return { runs, jobs };
}

/** One line per recovered run and stopped job, for the command's output. */
export function lostRunsLines(report: LostRunsReport): string[] {
  return [
    ...report.runs.map(
      ({ executionName, pid, reportPath }) =>
        `Run ${executionName} was in progress but its process ${pid} is gone (kill -9, a crash, a power ` +
        `cut): recorded ABORTED (${PROCESS_LOST}).` +
        (reportPath ? ` Report: ${reportPath}` : ""),
    ),
    ...report.jobs.map(
      ({ jobName, killed }) =>
        `Job ${jobName} of a lost run marked Stopped${killed ? " (its container was still running: killed)" : ""}.`,
    ),
  ];
}
