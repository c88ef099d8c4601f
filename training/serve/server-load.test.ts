import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { captureOutput } from "../test-support/capture";
import { historyEntry } from "../test-support/history-entry";
import { saveServingTestModel } from "../test-support/model";
import {
  checkServingLimits,
  DEFAULT_SERVING_LIMITS,
  type RunningServer,
  type ServingLimits,
  startServer,
} from "./server";

const instance = { date: "2024-02-03", history: [historyEntry("2024-01-30"), historyEntry("2024-02-01")] };

/** Sends raw bytes and resolves with everything the server wrote before it closed the connection. */
function rawExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(text));
    let received = "";
    socket.on("data", (chunk) => (received += chunk.toString()));
    socket.on("close", () => resolve(received));
    socket.on("error", reject);
  });
}

describe("the inference server under load", () => {
  let modelDir: string;
  const servers: RunningServer[] = [];
  const serve = async (limits: Partial<ServingLimits> & { workers?: number }) => {
    const server = await startServer({ modelDir, port: 0, host: "127.0.0.1", ...limits });
    servers.push(server);
    return `http://127.0.0.1:${server.port}`;
  };
  const post = (url: string, body: unknown) =>
    fetch(`${url}/invocations`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  before(async () => {
    modelDir = await saveServingTestModel();
  });
  after(() => Promise.all(servers.map((server) => server.close())));

  it("sheds with 503 and Retry-After past the queue bound, while /ping and the queued request are answered", async () => {
    // A long window keeps the first request queued while the second arrives: the queue holds one of them.
    // One inference worker, so that both requests meet the same queue (each worker has its own).
    const url = await serve({ windowMs: 1500, maxBatch: 100, maxQueued: 5, maxInstances: 5, workers: 1 });
    const five = { instances: Array.from({ length: 5 }, () => instance) };
    const pending = [post(url, five), post(url, five)];
    const ping = await fetch(`${url}/ping`);
    assert.equal(ping.status, 200);
    const responses = await Promise.all(pending);
    const statuses = responses.map((response) => response.status).sort();
    assert.deepEqual(statuses, [200, 503]);
    const shed = responses.find((response) => response.status === 503)!;
    assert.equal(shed.headers.get("retry-after"), "1");
    assert.match(
      ((await shed.json()) as { error: string }).error,
      /at capacity \(5 instances queued\): retry shortly/,
    );
    const answered = responses.find((response) => response.status === 200)!;
    assert.equal(((await answered.json()) as { predictions: unknown[] }).predictions.length, 5);
    // Once drained, the queue takes requests again.
    assert.equal((await post(url, five)).status, 200);
  });

  it("sheds with 503 before reading the body past maxInFlight requests, while /ping is answered", async () => {
    // A long window keeps the first request in progress while the second arrives.
    const url = await serve({ windowMs: 1500, maxInFlight: 1 });
    const first = post(url, { instances: [instance] });
    let shed: Response | undefined;
    for (let attempt = 0; attempt < 50 && shed?.status !== 503; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      shed = await post(url, { instances: [instance] });
    }
    assert.equal(shed?.status, 503);
    assert.equal(shed.headers.get("retry-after"), "1");
    assert.match(
      ((await shed.json()) as { error: string }).error,
      /at capacity \(1 requests in progress\): retry shortly/,
    );
    assert.equal((await fetch(`${url}/ping`)).status, 200);
    assert.equal((await first).status, 200);
    assert.equal((await post(url, { instances: [instance] })).status, 200);
  });

  it("closes once the answers of clients that have gone are done, without failing them", async () => {
    // A long window keeps the request in its worker's queue while its client leaves and the server closes.
    const server = await startServer({ modelDir, port: 0, host: "127.0.0.1", windowMs: 500, workers: 1 });
    const url = `http://127.0.0.1:${server.port}`;
    const errors = await captureOutput(process.stderr, () =>
      captureOutput(process.stdout, async () => {
        const gone = fetch(`${url}/invocations`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ instances: [instance] }),
          signal: AbortSignal.timeout(200),
        });
        await assert.rejects(gone);
        await server.close();
      }),
    );
    assert.doesNotMatch(errors.text, /invocation failed/);
    const text = errors.result.text;
    assert.match(text, /server closed/);
  });

  it("answers 503 when the bodies being read pass the byte budget", async () => {
    const url = await serve({ maxBodyBytes: 1000, maxBufferedBytes: 1500 });
    const port = Number(new URL(url).port);
    // A slow client holds 1,000 declared bytes of the budget: a request of 600 more does not fit.
    const slow = connect(port, "127.0.0.1", () =>
      slow.write(
        "POST /invocations HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{",
      ),
    );
    const body = JSON.stringify({ instances: [instance] }).padEnd(600, " ");
    let status = 0;
    for (let attempt = 0; attempt < 100 && status !== 503; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      status = (await post(url, body)).status;
    }
    slow.destroy();
    assert.equal(status, 503);
  });

  it("closes slow clients: 408 for headers or a body that do not arrive in time", async () => {
    const url = await serve({ headersTimeoutMs: 200, requestTimeoutMs: 400 });
    const port = Number(new URL(url).port);
    const started = Date.now();
    const [headers, body] = await Promise.all([
      rawExchange(port, "POST /invocations HTTP/1.1\r\nhost: x\r\n"),
      rawExchange(
        port,
        "POST /invocations HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{",
      ),
    ]);
    assert.match(headers, /^HTTP\/1\.1 408/);
    assert.match(body, /^HTTP\/1\.1 408/);
    assert.ok(Date.now() - started < 10_000);
    assert.equal((await fetch(`${url}/ping`)).status, 200);
  });

  it("refuses limits that do not fit together, naming the limit", () => {
    const limits = (changes: Partial<ServingLimits>) => ({ ...DEFAULT_SERVING_LIMITS, ...changes });
    assert.throws(
      () => checkServingLimits(limits({ maxBatch: 0 })),
      /^Error: \[maxBatch\] must be a number >= 1, got 0$/,
    );
    assert.throws(() => checkServingLimits(limits({ windowMs: Number.NaN })), /\[windowMs\]/);
    assert.throws(
      () => checkServingLimits(limits({ maxQueued: 10 })),
      /\[maxQueued\] \(10\) must be >= maxInstances \(1000\)/,
    );
    assert.throws(() => checkServingLimits(limits({ maxBufferedBytes: 1 })), /\[maxBufferedBytes\]/);
    assert.throws(
      () => checkServingLimits(limits({ requestTimeoutMs: 5 })),
      /\[requestTimeoutMs\] must be >= headersTimeoutMs/,
    );
  });
});
