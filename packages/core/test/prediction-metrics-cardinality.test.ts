import { expect, test } from 'vitest';
import { predictionMetricProducer, PredictionMetricsRegistry, traced } from '../src/index';
import { metricsEndpoint } from './support/metrics-endpoint';
import type { TextSample } from './support/prometheus-text';
import { captureDiag } from '@modelsight/test-support';

/** Series per metric family: histogram series are counted once (by their `_count` sample). */
function seriesPerFamily(samples: TextSample[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of samples) {
    if (!s.name.startsWith('ml_') || s.name.endsWith('_bucket') || s.name.endsWith('_sum')) continue;
    const family = s.name.replace(/_count$/, '');
    counts.set(family, (counts.get(family) ?? 0) + 1);
  }
  return counts;
}

const overflowOf = (samples: TextSample[], name: string) =>
  samples.filter((s) => s.name === name && s.labels['otel_metric_overflow'] === 'true');

test('model versions beyond the limit share one overflow series per metric, warned once over two scrapes', async () => {
  const diag = captureDiag();
  const registry = new PredictionMetricsRegistry({ cardinalityLimit: 100 });
  const endpoint = await metricsEndpoint([predictionMetricProducer({ registry })]);
  try {
    for (let i = 0; i < 500; i++) {
      traced((x: number) => ({ label: 'a', confidence: x }), { model: { name: 'm', version: `1.0.${i}` }, registry })(
        0.9,
      );
    }
    const { samples } = await endpoint.scrape();
    await endpoint.scrape();

    const series = seriesPerFamily(samples);
    for (const name of [
      'ml_predictions_total',
      'ml_prediction_duration_seconds',
      'ml_prediction_confidence',
      'ml_predictions_active',
    ]) {
      expect(series.get(name), name).toBe(100);
      const sample = name.endsWith('_seconds') || name.endsWith('_confidence') ? `${name}_count` : name;
      expect(overflowOf(samples, sample), name).toHaveLength(1);
    }
    // Every prediction is still counted: 99 versions have a duration series of their own, the
    // overflow series holds the rest; ml_predictions_total has two series (ok, error) per version.
    expect(overflowOf(samples, 'ml_prediction_duration_seconds_count')[0]!.value).toBe(500 - 99);
    const total = samples.filter((s) => s.name === 'ml_predictions_total').reduce((sum, s) => sum + s.value, 0);
    expect(total).toBe(500);
    const warnings = diag.warnings.filter((w) => w.includes('otel_metric_overflow'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(
      'ml_predictions_total, ml_prediction_duration_seconds, ml_prediction_confidence, ml_predictions_active',
    );
    expect(warnings[0]).toContain('from m 1.0.49 on');
  } finally {
    await endpoint.close();
  }
});

test('the overflow series keeps every later model version and never goes down', async () => {
  const registry = new PredictionMetricsRegistry({ cardinalityLimit: 5 });
  const endpoint = await metricsEndpoint([predictionMetricProducer({ registry })]);
  try {
    const wrap = (version: string) => traced(() => 'x', { model: { name: 'm', version }, registry });
    for (let i = 0; i < 10; i++) wrap(`v${i}`)();
    const first = overflowOf((await endpoint.scrape()).samples, 'ml_predictions_total')[0]!.value;
    wrap('v9')();
    wrap('v1')();
    const { samples } = await endpoint.scrape();
    expect(overflowOf(samples, 'ml_predictions_total')[0]!.value).toBe(first + 1);
    // Four series of their own: v0, v1 (ok and error each) fill ml_predictions_total.
    const own = samples.filter((s) => s.name === 'ml_predictions_total' && s.labels['ml_model_version']);
    expect(own.map((s) => `${s.labels['ml_model_version']} ${s.labels['ml_prediction_status']} ${s.value}`)).toEqual([
      'v0 ok 1',
      'v0 error 0',
      'v1 ok 2',
      'v1 error 0',
    ]);
  } finally {
    await endpoint.close();
  }
});

test('instrumentation errors beyond the limit fold into the overflow series of their metric', async () => {
  const diag = captureDiag();
  const registry = new PredictionMetricsRegistry({ cardinalityLimit: 2 });
  const endpoint = await metricsEndpoint([predictionMetricProducer({ registry })]);
  try {
    const broken = () => {
      throw new Error('broken extractor');
    };
    traced(() => ({ confidence: 2 }), { model: { name: 'm', version: '1' }, registry, label: broken })();
    const { samples } = await endpoint.scrape();
    const errors = samples.filter((s) => s.name === 'ml_instrumentation_errors_total');
    // Confidence is read before the label: its reason got the one series of its own.
    expect(errors.map((s) => s.labels['reason'] ?? s.labels['otel_metric_overflow'])).toEqual([
      'invalid_confidence',
      'true',
    ]);
    expect(errors.map((s) => s.value)).toEqual([1, 1]);
    expect(diag.warnings.filter((w) => w.includes('reached the limit'))).toEqual([
      expect.stringMatching(
        /^@modelsight\/core: ml_predictions_total, ml_instrumentation_errors_total reached the limit of 2 series per metric/,
      ),
    ]);
  } finally {
    await endpoint.close();
  }
});
