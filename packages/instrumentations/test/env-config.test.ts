import { captureDiag } from '@modelsight/test-support';
import { expect, test } from 'vitest';
import { INSTRUMENTATIONS_ENV_DEFAULTS, instrumentationsEnv } from '../src/config/env-config';

test('the package reads one variable, MODELSIGHT_MODEL_VERSION, which takes any non-blank value', () => {
  expect(Object.keys(INSTRUMENTATIONS_ENV_DEFAULTS)).toEqual(['MODELSIGHT_MODEL_VERSION']);
  const diag = captureDiag();
  expect(instrumentationsEnv({ MODELSIGHT_MODEL_VERSION: ' 2.1.0 ' }).MODELSIGHT_MODEL_VERSION).toBe('2.1.0');
  expect(instrumentationsEnv({ MODELSIGHT_MODEL_VERSION: ' ' }).MODELSIGHT_MODEL_VERSION).toBeUndefined();
  expect(diag.warnings).toEqual([]);
});
