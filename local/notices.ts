// The stack's notification topic, locally: what the definition's sns:publish Tasks send (the notice of a
// rejected model) is kept for the run's summary.json, appended to the run's notifications.jsonl and
// printed, so that a local rejection is as visible as the e-mail the cloud's topic sends.
import { randomUUID } from "node:crypto";
import { SnsInvalidParameter } from "./errors";

export interface Notice {
  topicArn: string;
  subject: string | null;
  message: string;
  messageId: string;
  publishedAt: string;
}

/** The Publish request the definition sends (sns:publish's Parameters). */
export interface PublishRequest {
  TopicArn?: unknown;
  Subject?: unknown;
  Message?: unknown;
}

/** SNS's limits: a subject of at most 100 printable ASCII characters on one line. */
const SUBJECT = /^[\x20-\x7e]{1,100}$/;

export class LocalNotices {
  readonly published: Notice[] = [];

  constructor(
    private readonly onPublish: (notice: Notice) => void = () => undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Publish: checks the request as SNS does, keeps the notice and hands it on; `{ MessageId }` back. */
  publish(request: PublishRequest): { MessageId: string } {
    const { TopicArn, Subject, Message } = request;
    if (typeof TopicArn !== "string" || !TopicArn.startsWith("arn:")) {
      throw new SnsInvalidParameter(`Invalid parameter: TopicArn (${JSON.stringify(TopicArn)})`);
    }
    if (typeof Message !== "string" || Message === "") {
      throw new SnsInvalidParameter("Invalid parameter: Empty message");
    }
    if (Subject !== undefined && (typeof Subject !== "string" || !SUBJECT.test(Subject))) {
      throw new SnsInvalidParameter(
        `Invalid parameter: Subject (at most 100 printable ASCII characters on one line): ${JSON.stringify(Subject)}`,
      );
    }
    const notice: Notice = {
      topicArn: TopicArn,
      subject: Subject ?? null,
      message: Message,
      messageId: randomUUID(),
      publishedAt: this.now().toISOString(),
    };
    this.published.push(notice);
    this.onPublish(notice);
    return { MessageId: notice.messageId };
  }
}
