import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider, type MetricProducer } from '@opentelemetry/sdk-metrics';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parsePrometheusText, type TextSample } from './prometheus-text';

/**
 * A MeterProvider whose reader is the real Prometheus exporter, served by the exporter's own request
 * handler on a free loopback port: what a scrape of `/metrics` really returns.
 */
export async function metricsEndpoint(metricProducers: MetricProducer[] = []) {
  const exporter = new PrometheusExporter({ preventServerStart: true, metricProducers });
  const provider = new MeterProvider({ readers: [exporter] });
  const server = createServer((req, res) => exporter.getMetricsRequestHandler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  return {
    provider,
    scrape: async () => parsePrometheusText(await (await fetch(url)).text()),
    close: async () => {
      server.close();
      await provider.shutdown();
    },
  };
}

/** The samples of one metric whose labels include `labels`. */
export const samplesOf = (samples: TextSample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
