// report.html of a local run, written beside summary.json: the run's facts from its summary, the
// definition it executed and its last state data; the objects from the workdir's S3 directory.
import { readFile, writeFile } from "node:fs/promises";
import type { StateMachineDefinition } from "../components/asl/types";
import { localPathForS3Uri } from "../handlers/s3-uri";
import type { RunSummary } from "./summary";
import { renderReportHtml } from "../report/html";
import { buildRunReport, type ObjectReader } from "../report/run-report";

export function directoryReader(s3Root: string): ObjectReader {
  return async (uri) => {
    try {
      return await readFile(localPathForS3Uri(s3Root, uri));
    } catch {
      return null;
    }
  };
}

export interface LocalReportInputs {
  summary: RunSummary;
  definition: StateMachineDefinition;
  lastData: unknown;
  s3Root: string;
  path: string;
}

export async function writeLocalReport(inputs: LocalReportInputs): Promise<string> {
  const { summary } = inputs;
  const report = await buildRunReport(
    {
      where: "local",
      executionName: summary.executionName,
      status: summary.status,
      startedAt: summary.startedAt,
      durationMs: summary.durationMs,
      ...(summary.error ? { error: summary.error } : {}),
      ...(summary.cause ? { cause: summary.cause } : {}),
      states: summary.states,
      definition: inputs.definition,
      lastData: inputs.lastData,
      endpointName: summary.endpoint,
      modelVersion: summary.modelVersion,
      endpointVersion: summary.endpointVersion,
    },
    directoryReader(inputs.s3Root),
  );
  await writeFile(inputs.path, await renderReportHtml(report));
  return inputs.path;
}
