// Notifications: the topic, an SNS topic encrypted with its own customer-managed key (EventBridge and
// CloudWatch can publish to it) with an e-mail subscription when configured; and the failure rule,
// which routes one state machine's FAILED / TIMED_OUT / ABORTED executions to it. Two components
// because the endpoint's alarms need the topic before the state machine exists.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsEnvironment } from "../asl/iam";
import {
  failedExecutionPattern,
  failureNotificationTransformer,
  notificationKeyPolicy,
  notificationTopicPolicy,
} from "./operations";

export interface NotificationTopicArgs {
  readonly aws: pulumi.Input<AwsEnvironment>;
  /** Subscribe this address (it must confirm the subscription). @default no subscription */
  readonly email?: string;
  readonly tags?: pulumi.Input<Record<string, string>>;
}

export class NotificationTopic extends pulumi.ComponentResource {
  readonly topicArn: pulumi.Output<string>;
  readonly keyArn: pulumi.Output<string>;

  constructor(name: string, args: NotificationTopicArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("visit-time:pipeline:NotificationTopic", name, {}, opts);
    const key = new aws.kms.Key(
      `${name}-key`,
      {
        description: "Encrypts the visit-time pipeline's notification topic.",
        enableKeyRotation: true,
        deletionWindowInDays: 7,
        policy: pulumi.output(args.aws).apply((env) => JSON.stringify(notificationKeyPolicy(env))),
        tags: args.tags,
      },
      { parent: this },
    );
    const topic = new aws.sns.Topic(
      `${name}-topic`,
      { kmsMasterKeyId: key.arn, tags: args.tags },
      { parent: this },
    );
    if (args.email) {
      new aws.sns.TopicSubscription(
        `${name}-email`,
        { topic: topic.arn, protocol: "email", endpoint: args.email },
        { parent: this },
      );
    }
    this.topicArn = topic.arn;
    this.keyArn = key.arn;
    this.registerOutputs({ topicArn: this.topicArn, keyArn: this.keyArn });
  }
}

export interface FailureNotificationsArgs {
  readonly aws: pulumi.Input<AwsEnvironment>;
  readonly stateMachineArn: pulumi.Input<string>;
  readonly topicArn: pulumi.Input<string>;
  readonly tags?: pulumi.Input<Record<string, string>>;
}

export class FailureNotifications extends pulumi.ComponentResource {
  readonly ruleArn: pulumi.Output<string>;

  constructor(name: string, args: FailureNotificationsArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("visit-time:pipeline:FailureNotifications", name, {}, opts);
    const rule = new aws.cloudwatch.EventRule(
      `${name}-rule`,
      {
        description: "visit-time pipeline executions that FAILED, TIMED_OUT or were ABORTED.",
        eventPattern: pulumi
          .output(args.stateMachineArn)
          .apply((arn) => JSON.stringify(failedExecutionPattern(arn))),
        tags: args.tags,
      },
      { parent: this },
    );
    const policy = new aws.sns.TopicPolicy(
      `${name}-publish`,
      {
        arn: args.topicArn,
        policy: pulumi
          .all([args.aws, args.topicArn, rule.arn])
          .apply(([env, topicArn, ruleArn]) =>
            JSON.stringify(notificationTopicPolicy(env, topicArn, ruleArn)),
          ),
      },
      { parent: this },
    );
    new aws.cloudwatch.EventTarget(
      `${name}-to-topic`,
      {
        rule: rule.name,
        arn: args.topicArn,
        inputTransformer: pulumi.output(args.aws).apply((env) => failureNotificationTransformer(env.region)),
      },
      { parent: this, dependsOn: [policy] },
    );
    this.ruleArn = rule.arn;
    this.registerOutputs({ ruleArn: this.ruleArn });
  }
}
