// Which process owns a run or a job, recorded so that a later command can tell a live owner from a lost
// one (a `kill -9`, a crash, a power cut). A pid alone is not enough: after a reboot or a long time the
// number is reused by another process, so the process's start time is recorded beside it and must match.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";

export interface ProcessIdentity {
  pid: number;
  /**
   * When the process started, as the system reports it: field 22 of /proc/<pid>/stat (clock ticks since
   * boot) on Linux, `ps -o lstart=` elsewhere; null when neither can be read (then the pid alone decides).
   */
  startTime: string | null;
  /** A pid means nothing on another machine (a work directory on a shared disk): only this host judges. */
  host: string;
}

/** The start time of a running process, or null when it does not exist or cannot be read. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19] ?? null;
  } catch {
    // No procfs (macOS): ps prints the start time, or nothing for a pid that does not exist.
    try {
      const text = execFileSync("ps", ["-o", "lstart=", "-p", String(pid)], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }).trim();
      return text === "" ? null : text;
    } catch {
      return null;
    }
  }
}

export function identityOf(pid: number): ProcessIdentity {
  return { pid, startTime: processStartTime(pid), host: hostname() };
}

export function currentProcess(): ProcessIdentity {
  return identityOf(process.pid);
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, owned by another user.
    return error instanceof Error && "code" in error && error.code === "EPERM";
  }
}

/**
 * "alive": the same process is still running; "lost": it is not (gone, or its pid now belongs to a process
 * that started at another time); "unknown": it ran on another host, so nothing here can tell.
 */
export function processState(identity: ProcessIdentity): "alive" | "lost" | "unknown" {
  if (identity.host !== hostname()) return "unknown";
  if (!pidExists(identity.pid)) return "lost";
  if (identity.startTime === null) return "alive";
  return processStartTime(identity.pid) === identity.startTime ? "alive" : "lost";
}

/** Kills the process if it is still the one recorded (never a stranger that reused the pid). */
export function killIfAlive(identity: ProcessIdentity, signal: NodeJS.Signals = "SIGKILL"): boolean {
  if (processState(identity) !== "alive" || identity.pid === process.pid) return false;
  try {
    process.kill(identity.pid, signal);
    return true;
  } catch {
    return false;
  }
}

export function isProcessIdentity(value: unknown): value is ProcessIdentity {
  if (typeof value !== "object" || value === null) return false;
  const { pid, startTime, host } = value as Record<string, unknown>;
  return (
    typeof pid === "number" &&
    Number.isInteger(pid) &&
    pid > 0 &&
    (typeof startTime === "string" || startTime === null) &&
    typeof host === "string"
  );
}
