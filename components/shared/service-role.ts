// A role that one AWS service assumes (for this account only), with one inline policy. The components
// use it for the SageMaker, Step Functions and Scheduler roles; the statements come from pure builders.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument, type AwsEnvironment, type PolicyStatement } from "../asl/iam";
import { assumeRolePolicy } from "./iam";

export interface ServiceRoleArgs {
  /** The principal, e.g. `sagemaker.amazonaws.com`. */
  readonly service: string;
  readonly description: string;
  readonly aws: pulumi.Input<AwsEnvironment>;
  readonly statements: pulumi.Input<PolicyStatement[]>;
  readonly tags?: pulumi.Input<Record<string, string>>;
}

export interface ServiceRole {
  role: aws.iam.Role;
  /** Depend on this (not only on the role) before the service uses the role. */
  policy: aws.iam.RolePolicy;
}

export function createServiceRole(name: string, args: ServiceRoleArgs, parent: pulumi.Resource): ServiceRole {
  const role = new aws.iam.Role(
    name,
    {
      description: args.description,
      assumeRolePolicy: pulumi
        .output(args.aws)
        .apply((env) => JSON.stringify(assumeRolePolicy(args.service, env.accountId))),
      tags: args.tags,
    },
    { parent },
  );
  const policy = new aws.iam.RolePolicy(
    `${name}-policy`,
    {
      role: role.id,
      policy: pulumi
        .output(args.statements)
        .apply((statements) => JSON.stringify(policyDocument(statements))),
    },
    { parent },
  );
  return { role, policy };
}
