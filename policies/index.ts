// The policy pack that `pulumi preview|up --policy-pack policies` loads. Constructing a PolicyPack
// starts the policy server: nothing else may import this file (tests and the checker use all.ts).
import { PolicyPack } from "@pulumi/policy";
import { allPolicies } from "./all";

new PolicyPack("visit-time-pipeline", {
  description:
    "SageMaker, Step Functions, S3, IAM, Lambda and Athena rules for the visit-time training pipeline.",
  provider: "aws",
  tags: ["sagemaker", "step-functions", "security", "cost"],
  enforcementLevel: "mandatory",
  policies: allPolicies,
});
