import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LocalNotices, type Notice } from "./notices";

const TOPIC = "arn:aws:sns:us-east-1:000000000000:visit-time-local-notifications";

describe("LocalNotices", () => {
  it("keeps each notice and hands it on, answering with a message id", () => {
    const handed: Notice[] = [];
    const notices = new LocalNotices(
      (notice) => handed.push(notice),
      () => new Date("2026-11-29T01:00:00Z"),
    );
    const { MessageId } = notices.publish({
      TopicArn: TOPIC,
      Subject: "model rejected",
      Message: "Quality gate rejected: …",
    });
    assert.deepEqual(notices.published, [
      {
        topicArn: TOPIC,
        subject: "model rejected",
        message: "Quality gate rejected: …",
        messageId: MessageId,
        publishedAt: "2026-11-29T01:00:00.000Z",
      },
    ]);
    assert.deepEqual(handed, notices.published);
  });

  it("refuses what SNS refuses: no topic, an empty message, a subject SNS would not send", () => {
    const notices = new LocalNotices();
    assert.throws(() => notices.publish({ Message: "m" }), {
      name: "SNS.InvalidParameterException",
      message: "Invalid parameter: TopicArn (undefined)",
    });
    assert.throws(() => notices.publish({ TopicArn: TOPIC, Message: "" }), /Empty message/);
    assert.throws(
      () => notices.publish({ TopicArn: TOPIC, Message: "m", Subject: "x".repeat(101) }),
      /Subject \(at most 100 printable ASCII characters on one line\)/,
    );
    assert.deepEqual(notices.published, []);
  });
});
