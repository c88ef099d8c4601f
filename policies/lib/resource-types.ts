// Pulumi AWS provider v7 type tokens of the resources the policies read (the policy pack does not
// import @pulumi/aws: matching on the token keeps it light and provider-version independent).
export const RESOURCE_TYPES = {
  stateMachine: "aws:sfn/stateMachine:StateMachine",
  endpointConfiguration: "aws:sagemaker/endpointConfiguration:EndpointConfiguration",
  notebookInstance: "aws:sagemaker/notebookInstance:NotebookInstance",
  modelPackageGroup: "aws:sagemaker/modelPackageGroup:ModelPackageGroup",
  lambdaFunction: "aws:lambda/function:Function",
  athenaWorkgroup: "aws:athena/workgroup:Workgroup",
  iamRole: "aws:iam/role:Role",
  iamPolicy: "aws:iam/policy:Policy",
  iamRolePolicy: "aws:iam/rolePolicy:RolePolicy",
  iamUserPolicy: "aws:iam/userPolicy:UserPolicy",
  iamGroupPolicy: "aws:iam/groupPolicy:GroupPolicy",
  iamRolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  iamUserPolicyAttachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
  iamGroupPolicyAttachment: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
  iamPolicyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
  iamRolePolicyAttachmentsExclusive: "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
} as const;

/** Buckets: v7's `Bucket` and its deprecated alias `BucketV2`. */
export const BUCKET_TYPES: readonly string[] = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];

export const BUCKET_ENCRYPTION_TYPES: readonly string[] = [
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
];

export const BUCKET_PUBLIC_ACCESS_BLOCK_TYPES: readonly string[] = [
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
];

export const BUCKET_POLICY_TYPES: readonly string[] = [RESOURCE_TYPES.bucketPolicy];

export const BUCKET_ACL_TYPES: readonly string[] = [
  "aws:s3/bucketAcl:BucketAcl",
  "aws:s3/bucketAclV2:BucketAclV2",
];
