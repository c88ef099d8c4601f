// The load process of `npm run bench:serve`: runs autocannon in a process of its own, so that the load tool,
// the /ping prober (the benchmark's process) and the server (a third process) do not share an event loop.
// Reads its job from argv[2] (JSON: url, the file of request bodies, connections, duration) and answers the
// result over the IPC channel.
import { readFileSync } from "node:fs";
import autocannon from "autocannon";

/** A request without an answer for this long counts as timed out (and its connection is reopened). */
export const TIMEOUT_SECONDS = 10;

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
  /** The errors by their code (ECONNRESET, ...; "request timed out" for the timeouts). */
  errorCodes: Record<string, number>;
  /**
   * Requests still waiting for their answer when the run ended: autocannon keeps one request outstanding per
   * connection and drops those at the end without counting them (sent - answered - errors).
   */
  inFlightAtStop: number;
  /**
   * Requests autocannon wrote to a connection after the server's answer had closed it (a 503 with
   * `Connection: close`): it sends the next request before it sees the close, and drops that one uncounted.
   * One per connection the server closed: the connections that answered, less one per client.
   */
  writtenAfterClose: number;
  /** How long autocannon took to set up its connections before the run (ms). */
  setupMs: number;
  p50: number;
  p99: number;
}

async function runLoad(job: LoadJob): Promise<LoadCounts> {
  const bodies = JSON.parse(readFileSync(job.bodiesFile, "utf8")) as string[];
  const errorCodes: Record<string, number> = {};
  let finish: (result: autocannon.Result) => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const setupStarted = performance.now();
  // autocannon builds its clients synchronously (each deep-copies every body), and each client's timeout
  // runs from its construction: the setup time tells whether early timeouts are the load tool's own.
  const instance = autocannon(
    {
      url: `${job.url}/invocations`,
      connections: job.connections,
      duration: job.duration,
      timeout: TIMEOUT_SECONDS,
      requests: bodies.map((body) => ({
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
      })),
    },
    (error: unknown, result) =>
      error ? fail(error instanceof Error ? error : new Error(String(error))) : finish(result),
  );
  const setupMs = performance.now() - setupStarted;
  const connectionsSeen = new WeakSet<object>();
  let connectionsAnswered = 0;
  instance.on("response", (client) => {
    // The client's current socket: autocannon opens a new one when the server closes it.
    const connection = (client as unknown as { conn: object }).conn;
    if (connectionsSeen.has(connection)) return;
    connectionsSeen.add(connection);
    connectionsAnswered++;
  });
  instance.on("reqError", (error: NodeJS.ErrnoException) => {
    const code = error.code ?? error.message;
    errorCodes[code] = (errorCodes[code] ?? 0) + 1;
  });
  const result = await finished;
  const statuses: Record<string, number> = {};
  for (const [status, { count }] of Object.entries(result.statusCodeStats ?? {})) {
    statuses[status] = Number(count);
  }
  const answered = Object.values(statuses).reduce((sum, count) => sum + count, 0);
  const writtenAfterClose = Math.max(0, connectionsAnswered - job.connections);
  return {
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    errorCodes,
    inFlightAtStop: result.requests.sent - answered - result.errors - writtenAfterClose,
    writtenAfterClose,
    setupMs,
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
