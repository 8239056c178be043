import {
  defaultResource,
  detectResources,
  envDetector,
  hostDetector,
  processDetector,
  resourceFromAttributes,
  type Resource,
} from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { ResolvedConfig } from '../types';

/**
 * The SDK's defaults (`telemetry.sdk.*`, `service.name`), then `OTEL_RESOURCE_ATTRIBUTES` and
 * `OTEL_SERVICE_NAME`, the process and the host; options win over all of them.
 */
export function buildResource(config: ResolvedConfig): Resource {
  const fromOptions: Record<string, string | number | boolean> = { ...config.resourceAttributes };
  if (config.serviceName !== undefined) fromOptions[ATTR_SERVICE_NAME] = config.serviceName;
  if (config.serviceVersion !== undefined) fromOptions[ATTR_SERVICE_VERSION] = config.serviceVersion;
  return defaultResource()
    .merge(detectResources({ detectors: [envDetector, processDetector, hostDetector] }))
    .merge(resourceFromAttributes(fromOptions));
}
