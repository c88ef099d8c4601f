// report.html of an AWS execution (`npm run execution -- report`): the same report as a local run's (report/), with the facts taken from
// Step Functions (DescribeExecution, the definition it ran, its whole history), the objects its state data
// names read from S3, and the model the endpoint serves from SageMaker.
import { writeFile } from "node:fs/promises";
import { S3Client } from "@aws-sdk/client-s3";
import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import {
  DescribeExecutionCommand,
  DescribeStateMachineForExecutionCommand,
  type HistoryEvent,
  type SFNClient,
} from "@aws-sdk/client-sfn";
import type { StateMachineDefinition } from "../components/asl/types";
import { ObjectNotFound } from "../handlers/errors";
import { S3ObjectStore } from "../handlers/aws/s3-object-store";
import { SageMakerEndpointRegistry } from "../handlers/aws/sagemaker-endpoint-registry";
import { renderReportHtml } from "./html";
import { buildRunReport, type ObjectReader } from "./run-report";
import { describeAwsError, ExecutionCliError } from "../execution/aws-errors";
import { HistoryMapper } from "../execution/history-events";
import { followHistory } from "../execution/history-follower";
import { field, nonEmptyText } from "../execution/state-data";
import { stateRecords } from "../execution/state-records";

export interface AwsReportClients {
  sfn: Pick<SFNClient, "send">;
  s3: S3Client;
  sageMaker: SageMakerClient;
}

export function awsReportClients(sfn: SFNClient, region: string): AwsReportClients {
  return { sfn, s3: new S3Client({ region }), sageMaker: new SageMakerClient({ region }) };
}

/** S3 objects by URI; a missing one is null (the report says "—"), any other error names the object. */
export function s3Reader(client: S3Client): ObjectReader {
  const store = new S3ObjectStore(client);
  return async (uri) => {
    try {
      return await store.getBytes(uri);
    } catch (error) {
      if (error instanceof ObjectNotFound) return null;
      throw describeAwsError(error, `object ${uri}`);
    }
  };
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The execution's output, else the input of the last state it entered (where a failed run stopped). */
export function lastDataOf(output: string | undefined, events: readonly HistoryEvent[]): unknown {
  const parsedOutput = parseJson(output);
  if (parsedOutput !== undefined && parsedOutput !== null) return parsedOutput;
  for (let index = events.length - 1; index >= 0; index -= 1) {
    const entered = events[index]?.stateEnteredEventDetails;
    if (entered) return parseJson(entered.input);
  }
  return undefined;
}

export interface AwsReportOptions {
  clients: AwsReportClients;
  region: string;
  executionArn: string;
  consoleUrl: string;
  /** Where to write report.html. */
  path: string;
}

export async function writeAwsReport(options: AwsReportOptions): Promise<string> {
  const { clients, executionArn } = options;
  const subject = `execution ${executionArn}`;
  let described;
  let definitionText: string | undefined;
  try {
    described = await clients.sfn.send(new DescribeExecutionCommand({ executionArn }));
    definitionText = (await clients.sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn })))
      .definition;
  } catch (error) {
    throw describeAwsError(error, subject);
  }
  const definition = parseJson(definitionText) as StateMachineDefinition | undefined;
  if (!definition?.States) {
    throw new ExecutionCliError(
      `${subject}: DescribeStateMachineForExecution returned no definition to draw.`,
    );
  }
  const events: HistoryEvent[] = [];
  await followHistory({
    client: clients.sfn,
    executionArn,
    follow: false,
    onEvents: (page) => events.push(...page),
  });
  const mapper = new HistoryMapper({ region: options.region, definition });
  const records = stateRecords(events.flatMap((event) => mapper.add(event)));
  const lastData = lastDataOf(described.output, events);
  const endpointName = nonEmptyText(field(lastData, "run", "EndpointName")) ?? "unknown";
  let modelVersion: string | null = null;
  if (endpointName !== "unknown") {
    try {
      const deployed = await new SageMakerEndpointRegistry(clients.sageMaker).describeDeployedModel(
        endpointName,
      );
      modelVersion = deployed?.modelName ?? null;
    } catch (error) {
      throw describeAwsError(error, `endpoint ${endpointName}`);
    }
  }
  const startedAt = described.startDate ?? new Date(0);
  const stoppedAt = described.stopDate ?? new Date();
  const report = await buildRunReport(
    {
      where: "aws",
      executionName: described.name ?? executionArn,
      status: described.status ?? "UNKNOWN",
      startedAt: startedAt.toISOString(),
      durationMs: stoppedAt.getTime() - startedAt.getTime(),
      ...(described.error ? { error: described.error } : {}),
      ...(described.cause ? { cause: described.cause } : {}),
      states: records,
      definition,
      lastData,
      endpointName,
      modelVersion,
      // SageMaker keeps no count of an endpoint's configs; the local registry's version has no AWS twin.
      endpointVersion: null,
      links: [{ label: "execution", value: options.consoleUrl }],
    },
    s3Reader(clients.s3),
  );
  await writeFile(options.path, await renderReportHtml(report));
  return options.path;
}
