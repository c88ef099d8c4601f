// The query loop's builder props, from the settings it reads: its functions, its polling and the data
// quality threshold the snapshot checks.
import type { PipelineSettings } from "../settings";
import type { QueryLoopProps } from "./definition";

export function queryLoopProps(settings: PipelineSettings, next: string): QueryLoopProps {
  return {
    startQueryArn: settings.lambdas.startQuery,
    getQueryStatusArn: settings.lambdas.getQueryStatus,
    snapshotDatasetArn: settings.lambdas.snapshotDataset,
    pollIntervalSeconds: settings.query.pollIntervalSeconds,
    maxPolls: settings.query.maxPolls,
    maxInvalidHitShare: settings.dataQuality.maxInvalidHitShare,
    next,
  };
}
