// The gate and deployment's builder props, from the settings they read: the gate's thresholds, the
// endpoint, who runs the model, the registry's group, the hyperparameters it records, and the topic a
// rejection is announced on.
import { modelPackageGroupNameOf } from "../../contracts/model-package";
import { sageMakerCallerProps, type PipelineSettings } from "../settings";
import type { ModelEndpointProps } from "./definition";

export function modelEndpointProps(settings: PipelineSettings): ModelEndpointProps {
  return {
    ...sageMakerCallerProps(settings),
    qualityGateArn: settings.lambdas.qualityGate,
    endpointStatusArn: settings.lambdas.endpointStatus,
    endpointName: settings.endpoint.name,
    modelPackageGroupName: modelPackageGroupNameOf(settings.endpoint.name),
    hyperparameters: settings.sagemaker.hyperparameters,
    notificationTopicArn: settings.notifications.topicArn,
    variant: settings.endpoint.variant,
    dataCapture: settings.endpoint.dataCapture,
    gate: settings.gate,
    wait: settings.endpoint.wait,
  };
}
