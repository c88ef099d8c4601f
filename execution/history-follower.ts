// Reads an execution's history page by page (GetExecutionHistory) and, when following, polls for new
// events with back-off until an event ends the execution. Pages already read are not read again: the
// last, partial page is re-read from its own token and only events with a higher id are passed on.
import { GetExecutionHistoryCommand, type HistoryEvent, type SFNClient } from "@aws-sdk/client-sfn";
import { describeAwsError } from "./aws-errors";

const END_EVENTS = new Set([
  "ExecutionSucceeded",
  "ExecutionFailed",
  "ExecutionAborted",
  "ExecutionTimedOut",
]);

export interface FollowOptions {
  client: Pick<SFNClient, "send">;
  executionArn: string;
  onEvents: (events: HistoryEvent[]) => void;
  /** Keep polling until the execution ends; otherwise read what there is once. @default true */
  follow?: boolean;
  /** First pause between polls; doubled while nothing new arrives, reset when something does. @default 1000 */
  minDelayMs?: number;
  /** @default 30000 */
  maxDelayMs?: number;
  /** @default 1000 (the API's maximum) */
  pageSize?: number;
  sleep?: (ms: number) => Promise<void>;
  signal?: AbortSignal;
}

export interface FollowResult {
  /** How many GetExecutionHistory calls were made. */
  requests: number;
  events: number;
  ended: boolean;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function followHistory(options: FollowOptions): Promise<FollowResult> {
  const minDelay = options.minDelayMs ?? 1000;
  const maxDelay = options.maxDelayMs ?? 30_000;
  const sleep = options.sleep ?? defaultSleep;
  let resumeToken: string | undefined;
  let lastId = 0;
  let delay = minDelay;
  let requests = 0;
  let count = 0;
  for (;;) {
    let token = resumeToken;
    let fresh = 0;
    let ended = false;
    do {
      let page;
      try {
        page = await options.client.send(
          new GetExecutionHistoryCommand({
            executionArn: options.executionArn,
            maxResults: options.pageSize ?? 1000,
            ...(token ? { nextToken: token } : {}),
          }),
        );
      } catch (error) {
        throw describeAwsError(error, `execution ${options.executionArn}`);
      }
      requests += 1;
      const events = (page.events ?? []).filter((event) => (event.id ?? 0) > lastId);
      if (events.length > 0) {
        lastId = events.at(-1)?.id ?? lastId;
        fresh += events.length;
        count += events.length;
        ended ||= events.some((event) => END_EVENTS.has(event.type ?? ""));
        options.onEvents(events);
      }
      // A page that hands out a next token is complete: later polls start after it.
      if (page.nextToken) resumeToken = page.nextToken;
      token = page.nextToken;
    } while (token);
    if (ended || options.follow === false || options.signal?.aborted) {
      return { requests, events: count, ended };
    }
    delay = fresh > 0 ? minDelay : Math.min(delay * 2, maxDelay);
    await sleep(delay);
    if (options.signal?.aborted) return { requests, events: count, ended: false };
  }
}
