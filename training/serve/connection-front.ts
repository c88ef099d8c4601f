// The accepting process of the server: it only listens and hands each new connection to one of its HTTP
// processes (http-process.ts), in turn, over their IPC channels. Nothing else runs on its event loop, so a
// crowd of connections is accepted at once: libuv accepts one connection per event-loop turn (since 1.45,
// libuv/libuv#3696), and a process that also answered a thousand busy connections took 130-300 ms per turn,
// which left connections waiting in the accept queue past the clients' timeouts. An HTTP process that stops
// is replaced. Each HTTP process holds at most maxConnections connections, and a connection past that is
// answered here and closed (503, or 200 for /ping: connection-shed.ts): a process answering every one of a
// thousand busy connections (most of them with a 503 that brings the next request straight back) took turns
// so long that the connections handed to it waited too (Node hands a process one socket at a time and waits
// for its acknowledgement). close() stops accepting, lets each HTTP process finish what it holds, and waits
// for them.
import type { ChildProcess } from "node:child_process";
import { createServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { log } from "../runtime/log";
import { forkModuleProcess } from "../runtime/worker-thread";
import type { HandlerOptions } from "./http-handler";
import type { FrontMessage, HttpProcessMessage } from "./http-process";
import { shedAnswers, shedConnection } from "./connection-shed";

export interface FrontOptions {
  port: number;
  host: string;
  /** HTTP processes the connections are shared between (>= 1). */
  processes: number;
  /** Connections one HTTP process holds; past it a new connection is answered 503 and closed. */
  maxConnections: number;
  handler: HandlerOptions;
}

export interface ConnectionFront {
  readonly port: number;
  readonly backend: string;
  readonly historyLength: number;
  /** The CPU time (µs) of this process and its HTTP processes (their threads included). */
  cpuMicros(): Promise<number>;
  close(): Promise<void>;
}

type Ready = Extract<HttpProcessMessage, { kind: "ready" }>;

/** How long an HTTP process may take to load the model before the server gives up starting. */
const READY_TIMEOUT_MS = 120_000;

/** Starts one HTTP process on the handler's options (the front's way, unless a test wraps it). */
export function spawnHttpProcess(handler: HandlerOptions): ChildProcess {
  return forkModuleProcess(__dirname, __dirname, "http-process", [JSON.stringify(handler)]);
}

class HttpProcess {
  /** Connections handed to it (those still waiting in the IPC channel included) and not yet closed. */
  held = 0;
  readonly ready: Promise<Ready>;
  readonly exited: Promise<void>;
  private readonly cpuWaiters: ((micros: number) => void)[] = [];

  constructor(readonly child: ChildProcess) {
    this.exited = new Promise((resolve) =>
      child.once("exit", () => {
        for (const socket of this.unsent) socket.destroy();
        this.unsent.clear();
        resolve();
      }),
    );
    this.ready = new Promise<Ready>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`an HTTP process did not load the model within ${READY_TIMEOUT_MS} ms`));
        child.kill("SIGKILL");
      }, READY_TIMEOUT_MS);
      child.on("message", (message: HttpProcessMessage) => {
        switch (message.kind) {
          case "ready":
            clearTimeout(timer);
            return resolve(message);
          case "failed":
            clearTimeout(timer);
            return reject(new Error(message.error));
          case "cpu":
            return this.cpuWaiters.shift()?.(message.micros);
          case "closed":
            this.held -= message.count;
            return;
          default: {
            const unknown: never = message;
            throw new Error(`unknown message ${JSON.stringify(unknown)}`);
          }
        }
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(
          new Error(`an HTTP process stopped while loading the model (${signal ?? `exit code ${code}`})`),
        );
        for (const waiter of this.cpuWaiters.splice(0)) waiter(0);
      });
    });
    // Awaited by the front's start; a later failure must not be an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  /**
   * Connections handed to it whose message is not written yet: Node sends a process one socket at a time and
   * waits for its acknowledgement; a process that dies never acknowledges, so these are closed then.
   */
  private readonly unsent = new Set<Socket>();

  /** Hands it a connection; one the channel cannot carry is closed (and not counted). */
  hand(socket: Socket): void {
    if (!this.child.connected) {
      socket.destroy();
      return;
    }
    this.held++;
    this.unsent.add(socket);
    // keepOpen, and closed here once written: the message in the channel holds the connection open for the
    // HTTP process. Without keepOpen Node would close it only on the process's acknowledgement, never if the
    // process died first, and the client would wait forever.
    this.child.send({ kind: "connection" } satisfies FrontMessage, socket, { keepOpen: true }, (error) => {
      this.unsent.delete(socket);
      if (error !== null) this.held--;
      socket.destroy();
    });
  }

  send(message: FrontMessage): void {
    if (this.child.connected) this.child.send(message);
  }

  cpuMicros(): Promise<number> {
    if (!this.child.connected) return Promise.resolve(0);
    return new Promise((resolve) => {
      this.cpuWaiters.push(resolve);
      this.send({ kind: "cpu" });
    });
  }
}

export async function startConnectionFront(
  options: FrontOptions,
  spawn: (handler: HandlerOptions) => ChildProcess = spawnHttpProcess,
): Promise<ConnectionFront> {
  if (!Number.isInteger(options.processes) || options.processes < 1)
    throw new Error(`[httpProcesses] must be a whole number >= 1, got ${options.processes}`);
  let closing = false;
  /** The processes that have loaded the model, in the order connections go to them. */
  const serving: HttpProcess[] = [];
  const all = new Set<HttpProcess>();
  const start = (replacing: boolean): HttpProcess => {
    const member = new HttpProcess(spawn(options.handler));
    all.add(member);
    member.ready.then(
      () => {
        if (!closing) serving.push(member);
      },
      (error: Error) => {
        if (replacing && !closing)
          log("error", "a replacement HTTP process did not start", { error: error.message });
      },
    );
    void member.exited.then(() => {
      all.delete(member);
      const index = serving.indexOf(member);
      if (index >= 0) serving.splice(index, 1);
      if (closing || index < 0) return;
      log("error", "an HTTP process stopped; starting another", {
        exitCode: member.child.exitCode,
        signal: member.child.signalCode,
      });
      start(true);
    });
    return member;
  };
  const started = Array.from({ length: options.processes }, () => start(false));
  let first: Ready;
  try {
    [first] = (await Promise.all(started.map((member) => member.ready))) as [Ready];
  } catch (error) {
    closing = true;
    for (const member of all) member.child.kill("SIGKILL");
    throw error;
  }

  const answers = shedAnswers(first.backend, options.maxConnections);
  // pauseOnConnect: the front never reads a byte; the HTTP process that gets the socket reads it all.
  const server = createServer({ pauseOnConnect: true }, (socket) => {
    // The HTTP process holding the fewest connections (the first of equals).
    let chosen: HttpProcess | undefined;
    for (const member of serving) if (chosen === undefined || member.held < chosen.held) chosen = member;
    if (chosen === undefined) socket.destroy();
    else if (chosen.held >= options.maxConnections) shedConnection(socket, answers);
    else chosen.hand(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // A backlog above Node's 511, so that a burst of new connections waits to be accepted, not dropped.
    server.listen({ port: options.port, host: options.host, backlog: 2048 }, () => resolve());
  });
  let closed: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    backend: first.backend,
    historyLength: first.historyLength,
    async cpuMicros() {
      const { user, system } = process.cpuUsage();
      const children = await Promise.all([...all].map((member) => member.cpuMicros()));
      return children.reduce((sum, micros) => sum + micros, user + system);
    },
    close() {
      closed ??= (async () => {
        closing = true;
        server.close();
        const members = [...all];
        for (const member of members) {
          // One still loading the model listens to nothing yet (and has no signal handler): it is stopped.
          if (serving.includes(member)) member.send({ kind: "close" });
          else member.child.kill("SIGTERM");
        }
        await Promise.all(members.map((member) => member.exited));
      })();
      return closed;
    },
  };
}
