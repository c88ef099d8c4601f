// The SageMaker execution role's statements: the jobs read the dataset snapshots and write under runs/,
// the model reads its artifacts, the endpoint writes data capture; images come from the one ECR
// repository; logs go to /aws/sagemaker/*. No *FullAccess managed policy.
import { arn, type AwsEnvironment, type PolicyStatement } from "../asl/iam";
import {
  describeEndpointStatement,
  describeServedModelStatement,
  kmsUseStatements,
  listPrefixesStatement,
  objectsArn,
  objectsStatement,
} from "../shared/iam";
import { ARTIFACT_PREFIXES, DATA_PREFIXES } from "../storage/layout";

export interface SageMakerRoleReferences {
  aws: AwsEnvironment;
  dataBucket: string;
  artifactBucket: string;
  repositoryArn: string;
  /** The endpoint captures requests and responses to `data-capture/` (prod). */
  dataCapture: boolean;
  /** Resolved key ARN of the stack's key. */
  kmsKeyArn?: string;
}

/**
 * The champion-model handler follows the endpoint to its model's ModelDataUrl, and nothing more: the
 * Evaluate job reads the artifact itself, with the SageMaker role (run artifacts live under runs/).
 */
export function championModelStatements(aws: AwsEnvironment, endpointName: string): PolicyStatement[] {
  return [describeEndpointStatement(aws, endpointName), describeServedModelStatement(aws)];
}

export function sageMakerRoleStatements(refs: SageMakerRoleReferences): PolicyStatement[] {
  const logGroups = arn(refs.aws, "logs", "log-group:/aws/sagemaker/*");
  return [
    objectsStatement("ReadDatasetSnapshots", "read", [
      objectsArn(refs.aws, refs.dataBucket, DATA_PREFIXES.datasets),
    ]),
    listPrefixesStatement("ListDatasetSnapshots", refs.aws, refs.dataBucket, [DATA_PREFIXES.datasets]),
    objectsStatement("ReadWriteRunArtifacts", "readWrite", [
      objectsArn(refs.aws, refs.artifactBucket, ARTIFACT_PREFIXES.runs),
    ]),
    listPrefixesStatement("ListRunArtifacts", refs.aws, refs.artifactBucket, [ARTIFACT_PREFIXES.runs]),
    ...(refs.dataCapture
      ? [
          objectsStatement("WriteDataCapture", "write", [
            objectsArn(refs.aws, refs.artifactBucket, ARTIFACT_PREFIXES.dataCapture),
          ]),
        ]
      : []),
    {
      Sid: "PullTrainingImage",
      Effect: "Allow",
      Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
      Resource: [refs.repositoryArn],
    },
    {
      // "*": the registry token is account-wide; the action has no resource type.
      // https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-pull.html
      Sid: "GetRegistryToken",
      Effect: "Allow",
      Action: ["ecr:GetAuthorizationToken"],
      Resource: ["*"],
    },
    {
      Sid: "WriteJobAndEndpointLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
      Resource: [logGroups, `${logGroups}:log-stream:*`],
    },
    {
      // "*": PutMetricData has no resource type; the namespace condition limits it to SageMaker's.
      // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html
      Sid: "PublishSageMakerMetrics",
      Effect: "Allow",
      Action: ["cloudwatch:PutMetricData"],
      Resource: ["*"],
      Condition: { StringLike: { "cloudwatch:namespace": ["/aws/sagemaker/*", "aws/sagemaker/*"] } },
    },
    ...kmsUseStatements("UseStackKey", refs.kmsKeyArn, { grants: true }),
  ];
}

/** Keep the newest images; older ones can go (every model references its image by digest). */
export function repositoryLifecyclePolicy(keepImages: number) {
  return {
    rules: [
      {
        rulePriority: 1,
        description: `Keep the newest ${keepImages} images.`,
        selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: keepImages },
        action: { type: "expire" },
      },
    ],
  };
}
