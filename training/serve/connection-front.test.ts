import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { connect, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { historyEntry } from "../test-support/history-entry";
import { saveServingTestModel } from "../test-support/model";
import { startConnectionFront, spawnHttpProcess } from "./connection-front";
import { isPing } from "./connection-shed";
import { type RunningServer, startServer } from "./server";

const BODY = JSON.stringify({
  instances: [{ date: "2024-02-03", history: [historyEntry("2024-01-30"), historyEntry("2024-02-01")] }],
});
const POST =
  "POST /invocations HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n" +
  `content-length: ${Buffer.byteLength(BODY)}\r\n\r\n${BODY}`;

/** A connection that sends `request` and resolves with the head of the first answer (the connection stays open). */
function firstAnswer(port: number, request: string): { socket: Socket; head: Promise<string> } {
  const socket = connect(port, "127.0.0.1", () => socket.write(request));
  const head = new Promise<string>((resolve, reject) => {
    let received = "";
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString();
      const end = received.indexOf("\r\n\r\n");
      if (end >= 0) resolve(received.slice(0, end));
    });
    socket.on("error", reject);
    socket.on("close", () => reject(new Error(`closed without an answer: ${JSON.stringify(received)}`)));
  });
  head.catch(() => undefined);
  return { socket, head };
}

const statusOf = (head: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);

describe("isPing", () => {
  it("tells a GET of /ping from the first bytes, or that more are needed", () => {
    assert.equal(isPing(Buffer.from("GET /ping HTTP/1.1\r\n")), true);
    assert.equal(isPing(Buffer.from("GET /ping?x=1 HTTP/1.1\r\n")), true);
    assert.equal(isPing(Buffer.from("GET /pingx HTTP/1.1\r\n")), false);
    assert.equal(isPing(Buffer.from("POST /invocations HTTP/1.1\r\n")), false);
    assert.equal(isPing(Buffer.from("GET /pi")), undefined);
    assert.equal(isPing(Buffer.from("GET /ping")), undefined);
    assert.equal(isPing(Buffer.from("PUT")), false);
  });
});

describe("the accepting process and its HTTP processes", () => {
  let modelDir: string;
  const servers: RunningServer[] = [];
  before(async () => {
    modelDir = await saveServingTestModel();
  });
  after(() => Promise.all(servers.map((server) => server.close())));

  it("answers or sheds every one of a crowd of connections at once, and /ping still answers", async () => {
    const server = await startServer({ modelDir, port: 0, host: "127.0.0.1", workers: 1, maxConnections: 4 });
    servers.push(server);
    const crowd = Array.from({ length: 60 }, () => firstAnswer(server.port, POST));
    try {
      const heads = await Promise.all(crowd.map((connection) => connection.head));
      const statuses = heads.map(statusOf);
      // The HTTP process holds 4 connections (all still open); every other one is shed at once.
      assert.equal(statuses.filter((status) => status === 200).length, 4);
      assert.equal(statuses.filter((status) => status === 503).length, 56);
      for (const head of heads.filter((text) => statusOf(text) === 503)) {
        assert.match(head, /\r\nretry-after: 1\r\n/);
        assert.match(head, /\r\nconnection: close\r\n/);
      }
      // A health check on a new connection while the HTTP process is full: answered by the accepting process.
      const ping = firstAnswer(server.port, "GET /ping HTTP/1.1\r\nhost: x\r\n\r\n");
      assert.equal(statusOf(await ping.head), 200);
      ping.socket.destroy();
    } finally {
      for (const connection of crowd) connection.socket.destroy();
    }
    // Once the crowd has gone, its connections' places are free again.
    let status = 0;
    for (let attempt = 0; attempt < 100 && status !== 200; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const connection = firstAnswer(server.port, POST);
      status = statusOf(await connection.head);
      connection.socket.destroy();
    }
    assert.equal(status, 200);
  });

  it("replaces an HTTP process that stops, and closes: requests in flight finish, the processes exit", async () => {
    const children: ChildProcess[] = [];
    const front = await startConnectionFront(
      {
        port: 0,
        host: "127.0.0.1",
        processes: 1,
        maxConnections: 16,
        handler: { modelDir, workers: 1, windowMs: 300 },
      },
      (handler) => {
        const child = spawnHttpProcess(handler);
        children.push(child);
        return child;
      },
    );
    const url = `http://127.0.0.1:${front.port}`;
    try {
      children[0]!.kill("SIGKILL");
      let status = 0;
      for (let attempt = 0; attempt < 300 && status !== 200; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        status = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(2000) }).then(
          (response) => response.status,
          () => 0,
        );
      }
      assert.equal(status, 200);
      assert.equal(children.length, 2);
      // The window keeps this request in its HTTP process's micro-batcher while the server closes.
      const inFlight = fetch(`${url}/invocations`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: BODY,
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const closed = front.close();
      const response = await inFlight;
      assert.equal(response.status, 200);
      assert.equal(((await response.json()) as { predictions: unknown[] }).predictions.length, 1);
      await closed;
      assert.equal(children[1]!.exitCode, 0);
      await assert.rejects(fetch(`${url}/ping`));
    } finally {
      await front.close();
    }
  });
});
