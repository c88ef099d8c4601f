// The load process of `npm run bench:serve`: runs autocannon in a process of its own, so that the load tool,
// the /ping prober (the benchmark's process) and the server (a third process) do not share an event loop.
// Reads its job from argv[2] (JSON: url, the file of request bodies, connections, duration) and answers the
// result over the IPC channel.
import { readFileSync } from "node:fs";
import autocannon from "autocannon";

export interface LoadJob {
  url: string;
  /** A JSON array of request bodies (strings), sent in turn. */
  bodiesFile: string;
  connections: number;
  /** Seconds. */
  duration: number;
}

export interface LoadCounts {
  /** Responses by status code. */
  statuses: Record<string, number>;
  /** Requests that got no response: connection errors and timeouts (of which `timeouts`). */
  errors: number;
  timeouts: number;
  p50: number;
  p99: number;
}

async function runLoad(job: LoadJob): Promise<LoadCounts> {
  const bodies = JSON.parse(readFileSync(job.bodiesFile, "utf8")) as string[];
  const result = await autocannon({
    url: `${job.url}/invocations`,
    connections: job.connections,
    duration: job.duration,
    timeout: 10,
    requests: bodies.map((body) => ({
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    })),
  });
  const statuses: Record<string, number> = {};
  for (const [status, { count }] of Object.entries(result.statusCodeStats ?? {})) {
    statuses[status] = Number(count);
  }
  return {
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

if (require.main === module) {
  const job = JSON.parse(process.argv[2] ?? "{}") as LoadJob;
  runLoad(job).then(
    (counts) => process.send?.(counts, () => process.exit(0)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
