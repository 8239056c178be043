import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startPreloaded, type PreloadedService } from './support/service-process';

// A service whose series would be unbounded: far more model versions, drift monitors and feedback
// trackers than the cardinality limit allows, scraped on its real /metrics under the preload.
const SCRIPT = resolve(__dirname, 'fixtures/many-series-service.cjs');

let service: PreloadedService | undefined;
afterEach(async () => {
  await service?.stop();
  service = undefined;
});

/** Series per family of a scrape (a histogram series counted once, by its `_count` sample). */
function seriesPerFamily(text: string): Map<string, number> {
  const types = new Map<string, string>();
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    if (line === '' || line.startsWith('#')) continue;
    const name = line.slice(0, line.search(/[{ ]/));
    const family = types.get(name) ? name : name.replace(/_(count|sum|bucket)$/, '');
    if (types.get(family) === 'histogram' && !name.endsWith('_count')) continue;
    counts.set(family, (counts.get(family) ?? 0) + 1);
  }
  return counts;
}

const overflowSeries = (text: string) =>
  text.split('\n').filter((line) => line.includes('otel_metric_overflow="true"') && !line.includes('_bucket{'));
const overflowWarnings = (stderr: string) => stderr.split('\n').filter((line) => line.includes('otel_metric_overflow'));

describe('10,000 model versions under the preload', () => {
  it('export at most 2000 series per metric, scrape in under a second, and warn once', async () => {
    service = await startPreloaded({
      script: SCRIPT,
      env: { OTEL_TRACES_EXPORTER: 'none', FIXTURE_VERSIONS: '10000' },
    });
    const durations: number[] = [];
    let text = '';
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      text = await service.scrape();
      durations.push(performance.now() - started);
    }
    const series = seriesPerFamily(text);
    for (const name of [
      'ml_predictions_total',
      'ml_prediction_duration_seconds',
      'ml_prediction_confidence',
      'ml_predictions_active',
    ]) {
      expect(series.get(name), name).toBe(2000);
    }
    for (const [name, count] of series) expect(count, name).toBeLessThanOrEqual(2000);
    expect(overflowSeries(text).map((line) => line.slice(0, line.indexOf('{')))).toEqual([
      'ml_predictions_total',
      'ml_prediction_duration_seconds_count',
      'ml_prediction_duration_seconds_sum',
      'ml_prediction_confidence_count',
      'ml_prediction_confidence_sum',
      'ml_predictions_active',
    ]);
    expect(Math.max(...durations), `scrapes of ${text.length} bytes took ${durations.join(', ')} ms`).toBeLessThan(
      1000,
    );
    const warnings = overflowWarnings(service.stderr());
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(
      'ml_predictions_total, ml_prediction_duration_seconds, ml_prediction_confidence, ml_predictions_active reached the limit of 2000',
    );
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', maxBuffer: 1 << 28 });
    expect(check.status, `${check.stdout}${check.stderr}`).toBe(0);
  });
});

describe('drift monitors and feedback trackers beyond MODELSIGHT_METRIC_CARDINALITY_LIMIT', () => {
  it('fold their series into one overflow series per metric and warn once per metric', async () => {
    service = await startPreloaded({
      script: SCRIPT,
      env: {
        OTEL_TRACES_EXPORTER: 'none',
        FIXTURE_VERSIONS: '40',
        FIXTURE_MONITORED_VERSIONS: '40',
        MODELSIGHT_METRIC_CARDINALITY_LIMIT: '50',
      },
    });
    const first = await service.scrape();
    await service.scrape();
    for (const [name, count] of seriesPerFamily(first)) expect(count, name).toBeLessThanOrEqual(50);
    const overflowing = new Set(
      overflowSeries(first).map((line) => line.slice(0, line.indexOf('{')).replace(/_(count|sum)$/, '')),
    );
    // Drift series go through the preload's source hub, feedback gauges through the SDK's instruments,
    // the prediction counter through the registry of @modelsight/core: all three fold the same way.
    for (const name of [
      'ml_drift_bin_total',
      'ml_drift_reference_ratio',
      'ml_data_missing_total',
      'ml_model_precision',
      'ml_feedback_pending_dropped_total',
      'ml_predictions_total',
    ]) {
      expect(overflowing, name).toContain(name);
    }
    const warnings = overflowWarnings(service.stderr());
    const named = warnings.flatMap((line) => [...overflowing].filter((name) => line.includes(name)));
    // Every overflowing metric is named once, in one warning per scrape that found new ones.
    expect(named.sort()).toEqual([...overflowing].sort());
    expect(warnings.length).toBeLessThanOrEqual(2);
  });
});
