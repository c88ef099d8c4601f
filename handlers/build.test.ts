// Builds the Lambda bundles into a temp directory, loads each one and calls its exported `handler`: a
// malformed event must fail with InvalidInput, and get-query-status runs its bundled SDK end to end
// against a fake Athena endpoint on localhost.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { HANDLER_NAMES } from "../contracts/handlers";
import { type BundleReport, buildHandlers } from "./build";

type LambdaEntry = (event: unknown) => Promise<unknown>;

function loadHandler(file: string): LambdaEntry {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loading a built CommonJS bundle
  const loaded: unknown = require(file);
  if (
    typeof loaded !== "object" ||
    loaded === null ||
    !("handler" in loaded) ||
    typeof loaded.handler !== "function"
  ) {
    throw new Error(`${file} does not export a handler function`);
  }
  const entry = loaded.handler;
  return (event) => Promise.resolve(entry(event));
}

async function body(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString("utf8");
}

describe("Lambda bundles", () => {
  let outdir: string;
  let reports: BundleReport[];
  let athena: Server;
  const athenaRequests: { target: string | undefined; body: unknown }[] = [];

  before(async () => {
    outdir = await mkdtemp(join(tmpdir(), "handler-bundles-"));
    reports = await buildHandlers(outdir);
    athena = createServer((request, response) => {
      void body(request).then((text) => {
        const target = request.headers["x-amz-target"];
        athenaRequests.push({
          target: typeof target === "string" ? target : undefined,
          body: JSON.parse(text),
        });
        const throttled = text.includes("q-throttled");
        response.writeHead(throttled ? 400 : 200, { "content-type": "application/x-amz-json-1.1" });
        response.end(
          JSON.stringify(
            throttled
              ? { __type: "TooManyRequestsException", Message: "Rate exceeded" }
              : {
                  QueryExecution: {
                    Status: { State: "RUNNING" },
                    Statistics: { DataScannedInBytes: 10, EngineExecutionTimeInMillis: 20 },
                  },
                },
          ),
        );
      });
    });
    await new Promise<void>((resolve) => athena.listen(0, "127.0.0.1", resolve));
    Object.assign(process.env, {
      AWS_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_MAX_ATTEMPTS: "1",
      AWS_ENDPOINT_URL_ATHENA: `http://127.0.0.1:${(athena.address() as AddressInfo).port}`,
      ATHENA_WORKGROUP: "wg",
      ATHENA_DATABASE: "db",
      ATHENA_OUTPUT_LOCATION: "s3://results-1/athena/",
      SOURCE_TABLE: "raw_hits",
      DATASET_PREFIX: "s3://datasets-1/daily-visits/",
    });
  });
  after(async () => {
    await new Promise((resolve) => athena.close(resolve));
    await rm(outdir, { recursive: true, force: true });
  });

  it("builds one CommonJS file per handler", () => {
    assert.deepEqual(
      reports.map((report) => report.file),
      HANDLER_NAMES.map((name) => join(outdir, name, "index.js")),
    );
  });

  for (const name of HANDLER_NAMES) {
    it(`${name}: the bundle's handler rejects a malformed event with InvalidInput`, async () => {
      const handler = loadHandler(join(outdir, name, "index.js"));
      await assert.rejects(handler({ executionName: "run-1", unexpected: true }), (error: Error) => {
        assert.equal(error.name, "InvalidInput");
        assert.match(error.message, /unexpected/);
        return true;
      });
    });
  }

  it("get-query-status: the bundle's SDK sends GetQueryExecution and maps the answer", async () => {
    const handler = loadHandler(join(outdir, "get-query-status", "index.js"));
    assert.deepEqual(await handler({ executionName: "run-1", queryExecutionId: "q-1" }), {
      state: "RUNNING",
      stateChangeReason: "",
      dataScannedBytes: 10,
      engineExecutionTimeMs: 20,
    });
    assert.deepEqual(athenaRequests.at(-1), {
      target: "AmazonAthena.GetQueryExecution",
      body: { QueryExecutionId: "q-1" },
    });
    await assert.rejects(handler({ executionName: "run-1", queryExecutionId: "q-throttled" }), {
      name: "TooManyRequestsException",
    });
  });
});
