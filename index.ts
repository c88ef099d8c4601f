// The Pulumi program: read and validate this stack's configuration (Pulumi.<stack>.yaml, namespace
// `visit-time-pipeline:`), deploy the training pipeline, export what users need. Deployment steps are
// in docs/deploy.md; everything else lives in components/.
import * as pulumi from "@pulumi/pulumi";
import { namespaceValues, parseStackConfig } from "./components/config";
import { TrainingPipeline } from "./components/pipeline/training-pipeline";

const stack = pulumi.getStack();
const config = parseStackConfig(namespaceValues(pulumi.runtime.allConfig()), `stack ${stack}`);
const pipeline = new TrainingPipeline(`visit-time-${stack}`, { config });

export const stateMachineArn = pipeline.stateMachineArn;
export const stateMachineName = pipeline.stateMachineName;
export const dataBucketName = pipeline.dataBucketName;
export const artifactBucketName = pipeline.artifactBucketName;
export const endpointName = pipeline.endpointName;
export const imageUri = pipeline.imageUri;
export const notificationTopicArn = pipeline.notificationTopicArn;
export const modelPackageGroupName = pipeline.modelPackageGroupName;
export const scheduleName = pipeline.scheduleName;
export const consoleUrl = pipeline.consoleUrl;
export const startExecutionCommand = pipeline.startExecutionCommand;
