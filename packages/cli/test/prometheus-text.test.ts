import { expect, test } from 'vitest';
import { parsePrometheusText } from '../src/report/prometheus-text';

test('samples are read with their labels, escapes and special values; comments are skipped', () => {
  const text = [
    '# HELP ml_drift_bin_total Observed feature values by reference bin',
    '# TYPE ml_drift_bin_total counter',
    'ml_drift_bin_total{ml_model_name="iris",ml_feature_name="a \\"quoted\\", back\\\\slash\\nline",ml_drift_bin="3"} 17',
    'ml_drift_score{ml_drift_method="ks_p_value"} 8.007459197440969e-20 1700000000000',
    'up NaN',
    'ml_x{a="}"} +Inf',
    'not a sample line',
  ].join('\n');
  expect(parsePrometheusText(text)).toEqual([
    {
      name: 'ml_drift_bin_total',
      labels: { ml_model_name: 'iris', ml_feature_name: 'a "quoted", back\\slash\nline', ml_drift_bin: '3' },
      value: 17,
    },
    { name: 'ml_drift_score', labels: { ml_drift_method: 'ks_p_value' }, value: 8.007459197440969e-20 },
    { name: 'up', labels: {}, value: NaN },
    { name: 'ml_x', labels: { a: '}' }, value: Infinity },
  ]);
});
