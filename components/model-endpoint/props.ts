// The gate and deployment's builder props, from the settings they read: the gate's thresholds, the
// endpoint, and who runs the model.
import { sageMakerCallerProps, type PipelineSettings } from "../settings";
import type { ModelEndpointProps } from "./definition";

export function modelEndpointProps(settings: PipelineSettings): ModelEndpointProps {
  return {
    ...sageMakerCallerProps(settings),
    qualityGateArn: settings.lambdas.qualityGate,
    endpointStatusArn: settings.lambdas.endpointStatus,
    endpointName: settings.endpoint.name,
    variant: settings.endpoint.variant,
    dataCapture: settings.endpoint.dataCapture,
    gate: settings.gate,
    wait: settings.endpoint.wait,
  };
}
