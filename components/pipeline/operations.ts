// Pure pieces of the deployed pipeline around its definition: the extra permissions of the state
// machine's role (logging, tracing), the scheduler's role, the failure event pattern, the notification
// topic's key and topic policies, and what the stack prints for its users.
import { arn, type AwsEnvironment, type PolicyStatement } from "../asl/iam";

/**
 * Step Functions delivers logs through CloudWatch vended log deliveries, which have no resource type
 * (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html#cloudwatch-iam-policy).
 */
export function stateMachineLoggingStatements(): PolicyStatement[] {
  return [
    {
      // "*": log deliveries and the account's log resource policy have no resource type (link above).
      Sid: "DeliverExecutionLogs",
      Effect: "Allow",
      Action: [
        "logs:CreateLogDelivery",
        "logs:GetLogDelivery",
        "logs:UpdateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies",
        "logs:DescribeLogGroups",
      ],
      Resource: ["*"],
    },
  ];
}

/** X-Ray tracing of executions (https://docs.aws.amazon.com/step-functions/latest/dg/xray-iam.html). */
export function stateMachineTracingStatements(): PolicyStatement[] {
  return [
    {
      // "*": the X-Ray trace and sampling APIs have no resource type (link above).
      Sid: "SendTraces",
      Effect: "Allow",
      Action: [
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
      ],
      Resource: ["*"],
    },
  ];
}

/** The schedule may start executions of this state machine and do nothing else. */
export function schedulerStatements(stateMachineArn: string): PolicyStatement[] {
  return [
    {
      Sid: "StartPipelineExecutions",
      Effect: "Allow",
      Action: ["states:StartExecution"],
      Resource: [stateMachineArn],
    },
  ];
}

export const FAILED_EXECUTION_STATUSES = ["FAILED", "TIMED_OUT", "ABORTED"] as const;

/** EventBridge pattern of this state machine's executions that did not succeed. */
export function failedExecutionPattern(stateMachineArn: string) {
  return {
    source: ["aws.states"],
    "detail-type": ["Step Functions Execution Status Change"],
    detail: { status: [...FAILED_EXECUTION_STATUSES], stateMachineArn: [stateMachineArn] },
  };
}

/** The e-mail text of a failure notification (EventBridge input transformer). */
export function failureNotificationTransformer(region: string) {
  return {
    inputPaths: {
      name: "$.detail.name",
      status: "$.detail.status",
      executionArn: "$.detail.executionArn",
      error: "$.detail.error",
      cause: "$.detail.cause",
    },
    inputTemplate: JSON.stringify(
      `visit-time pipeline execution <name> ended <status> (<error>): <cause>. ` +
        `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/<executionArn>`,
    ),
  };
}

/** Actions the account (through IAM) may perform on the notification key: manage it and use it. */
const KEY_ACCOUNT_ACTIONS = [
  "kms:DescribeKey",
  "kms:GetKeyPolicy",
  "kms:PutKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:EnableKeyRotation",
  "kms:DisableKeyRotation",
  "kms:ListResourceTags",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:UpdateKeyDescription",
  "kms:EnableKey",
  "kms:DisableKey",
  "kms:ScheduleKeyDeletion",
  "kms:CancelKeyDeletion",
  "kms:ListGrants",
  "kms:RevokeGrant",
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:GenerateDataKey",
];

/**
 * The notification topic's key: EventBridge and CloudWatch alarms can publish to an encrypted topic
 * only with a customer-managed key whose policy lets them use it
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
 * In a key policy, `"Resource": "*"` means this key.
 */
export function notificationKeyPolicy(aws: AwsEnvironment) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountManagesAndUsesTheKey",
        Effect: "Allow",
        Principal: { AWS: `arn:${aws.partition}:iam::${aws.accountId}:root` },
        Action: KEY_ACCOUNT_ACTIONS,
        Resource: "*",
      },
      {
        // The state machine announces rejected models on the topic: the account's roles may use the key
        // through SNS only, and only those whose IAM policy grants it (the state machine role, for this
        // topic: components/model-endpoint/registration.ts).
        Sid: "AccountRolesPublishThroughSns",
        Effect: "Allow",
        Principal: { AWS: `arn:${aws.partition}:iam::${aws.accountId}:root` },
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: "*",
        Condition: { StringEquals: { "kms:ViaService": `sns.${aws.region}.amazonaws.com` } },
      },
      {
        Sid: "EventsAndAlarmsPublishEncrypted",
        Effect: "Allow",
        Principal: { Service: ["events.amazonaws.com", "cloudwatch.amazonaws.com"] },
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": aws.accountId } },
      },
    ],
  };
}

/** Who may publish to the topic: the failure rule, and this account's CloudWatch alarms. */
export function notificationTopicPolicy(aws: AwsEnvironment, topicArn: string, ruleArn: string) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "FailureRulePublishes",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: { ArnEquals: { "aws:SourceArn": ruleArn } },
      },
      {
        Sid: "AlarmsPublish",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: {
          ArnLike: { "aws:SourceArn": arn(aws, "cloudwatch", "alarm:*") },
          StringEquals: { "aws:SourceAccount": aws.accountId },
        },
      },
    ],
  };
}

export function stateMachineConsoleUrl(region: string, stateMachineArn: string): string {
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/statemachines/view/${stateMachineArn}`;
}

/**
 * The command that runs the pipeline once. The execution name derives the job names, so it must be
 * unique, at most 52 characters, letters, digits and hyphens (docs/contracts.md).
 */
export function startExecutionCommand(region: string, stateMachineArn: string): string {
  return [
    "aws stepfunctions start-execution",
    `--region ${region}`,
    `--state-machine-arn ${stateMachineArn}`,
    '--name "manual-$(date -u +%Y%m%dT%H%M%SZ)"',
    `--input '{"ForceDeploy":false}'`,
  ].join(" ");
}
