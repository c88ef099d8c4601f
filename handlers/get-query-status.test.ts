import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { AthenaClient, GetQueryExecutionCommand } from "@aws-sdk/client-athena";
import { mockClient } from "aws-sdk-client-mock";
import { AthenaQueryEngine } from "./aws/athena-query-engine";
import { TRANSIENT_HANDLER_ERRORS } from "./errors";
import { createGetQueryStatusHandler } from "./get-query-status";
import { awsError } from "./testing/aws-fakes";

const athena = mockClient(AthenaClient);
const getQueryStatus = () =>
  createGetQueryStatusHandler({
    queryEngine: new AthenaQueryEngine(new AthenaClient({ region: "eu-west-1" })),
    logSink: () => undefined,
  });

describe("get-query-status", () => {
  beforeEach(() => athena.reset());

  it("maps GetQueryExecution to state, reason, bytes scanned and engine time", async () => {
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        Status: { State: "SUCCEEDED" },
        Statistics: { DataScannedInBytes: 2048, EngineExecutionTimeInMillis: 1500 },
      },
    });
    const result = await getQueryStatus()({ executionName: "run-1", queryExecutionId: "q-1" });
    assert.deepEqual(result, {
      state: "SUCCEEDED",
      stateChangeReason: "",
      dataScannedBytes: 2048,
      engineExecutionTimeMs: 1500,
    });
    assert.deepEqual(
      athena.commandCalls(GetQueryExecutionCommand).map((call) => call.args[0].input),
      [{ QueryExecutionId: "q-1" }],
    );
  });

  it("returns FAILED with Athena's reason as a result, not an error", async () => {
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: { Status: { State: "FAILED", StateChangeReason: "COLUMN_NOT_FOUND: line 1:8" } },
    });
    const result = await getQueryStatus()({ executionName: "run-1", queryExecutionId: "q-1" });
    assert.deepEqual(result, {
      state: "FAILED",
      stateChangeReason: "COLUMN_NOT_FOUND: line 1:8",
      dataScannedBytes: 0,
      engineExecutionTimeMs: 0,
    });
  });

  it("fails on a state Athena does not document", async () => {
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: {} } });
    await assert.rejects(
      getQueryStatus()({ executionName: "r", queryExecutionId: "q-1" }),
      /unknown state "undefined"/,
    );
  });

  it("propagates throttling and an unknown query id with Athena's names", async () => {
    athena.on(GetQueryExecutionCommand).rejectsOnce(awsError("TooManyRequestsException"));
    await assert.rejects(getQueryStatus()({ executionName: "r", queryExecutionId: "q-1" }), {
      name: "TooManyRequestsException",
    });
    assert.ok(TRANSIENT_HANDLER_ERRORS.includes("TooManyRequestsException"));
    athena
      .on(GetQueryExecutionCommand)
      .rejects(awsError("InvalidRequestException", "QueryExecution q-2 was not found"));
    await assert.rejects(getQueryStatus()({ executionName: "r", queryExecutionId: "q-2" }), {
      name: "InvalidRequestException",
    });
  });

  it("rejects a malformed event with InvalidInput", async () => {
    await assert.rejects(getQueryStatus()({ executionName: "r", queryExecutionId: "" }), {
      name: "InvalidInput",
      message: /event\.queryExecutionId/,
    });
    await assert.rejects(getQueryStatus()({ executionName: "r", queryExecutionId: "q", extra: 1 }), {
      name: "InvalidInput",
      message: /extra/,
    });
    assert.equal(athena.calls().length, 0);
  });
});
