import { expect, test } from 'vitest';
import { resolveFeedbackConfig } from '../src/feedback/feedback-config';
import { FeedbackTracker } from '../src/feedback/feedback-tracker';
import { collectedMetrics } from './support/feedback-metrics';
import { captureDiag } from '@modelsight/test-support';

const meter = collectedMetrics().meter;

test('store and window limits default to 100000 entries, one hour and 1000 feedback', () => {
  const config = resolveFeedbackConfig({ meter }, {});
  expect(config).toMatchObject({
    maxEntries: 100_000,
    ttlMs: 3_600_000,
    windowSize: 1000,
    maxClasses: 50,
    task: undefined,
  });
});

test('environment variables set the store and window limits', () => {
  const env = {
    MODELSIGHT_FEEDBACK_MAX_ENTRIES: '500',
    MODELSIGHT_FEEDBACK_TTL_MS: '90000',
    MODELSIGHT_FEEDBACK_WINDOW_SIZE: '200',
  };
  expect(resolveFeedbackConfig({ meter }, env)).toMatchObject({ maxEntries: 500, ttlMs: 90_000, windowSize: 200 });
});

test('options win over environment variables', () => {
  const env = { MODELSIGHT_FEEDBACK_MAX_ENTRIES: '500', MODELSIGHT_FEEDBACK_TTL_MS: '90000' };
  expect(resolveFeedbackConfig({ meter, maxEntries: 7, ttlMs: 5 }, env)).toMatchObject({ maxEntries: 7, ttlMs: 5 });
});

test('an invalid environment variable is warned about, naming the variable and the value, and its default used', () => {
  const diag = captureDiag();
  const config = resolveFeedbackConfig(
    { meter },
    { MODELSIGHT_FEEDBACK_MAX_ENTRIES: 'lots', MODELSIGHT_FEEDBACK_TTL_MS: '-1' },
  );
  expect(config).toMatchObject({ maxEntries: 100_000, ttlMs: 3_600_000 });
  expect(diag.warnings).toEqual([
    '@modelsight/core: MODELSIGHT_FEEDBACK_MAX_ENTRIES="lots" is not valid (expected a whole number greater than 0); using 100000',
    '@modelsight/core: MODELSIGHT_FEEDBACK_TTL_MS="-1" is not valid (expected a number greater than 0); using 3600000',
  ]);
});

test('invalid options are setup errors naming the option and the value', () => {
  expect(() => new FeedbackTracker({ meter, maxEntries: 0 })).toThrow(
    /option maxEntries must be a positive integer; got 0/,
  );
  expect(() => new FeedbackTracker({ meter, maxEntries: 1.5 })).toThrow(/maxEntries/);
  expect(() => new FeedbackTracker({ meter, ttlMs: Number.NaN })).toThrow(
    /option ttlMs must be a positive number of milliseconds; got NaN/,
  );
  expect(() => new FeedbackTracker({ meter, windowSize: -3 })).toThrow(/option windowSize .* got -3/);
  expect(() => new FeedbackTracker({ meter, task: 'ranking' as never })).toThrow(
    /option task must be 'classification' or 'regression'; got "ranking"/,
  );
  expect(() => new FeedbackTracker({ meter, labels: [] })).toThrow(/option labels/);
  expect(() => new FeedbackTracker({ meter, labels: ['a', {} as never] })).toThrow(/option labels/);
  expect(() => new FeedbackTracker({ meter, labels: ['a'], task: 'regression' })).toThrow(
    /option labels must be absent when task is 'regression'/,
  );
  expect(() => new FeedbackTracker({ meter, maxClasses: 0 })).toThrow(/option maxClasses/);
  expect(() => new FeedbackTracker({ meter, errorBuckets: [1, 1] })).toThrow(/option errorBuckets/);
  expect(() => new FeedbackTracker({ meter, value: 3 as never })).toThrow(/option value must be a function; got 3/);
  expect(() => new FeedbackTracker({ meter, model: { name: '', version: '1' } })).toThrow(
    /option model.name must be a non-empty string/,
  );
  expect(() => new FeedbackTracker({ meter: {} as never })).toThrow(/option meter must be an OpenTelemetry Meter/);
});

test('labels imply classification and are turned into strings', () => {
  expect(resolveFeedbackConfig({ meter, labels: [0, 1, '2', 1] }, {})).toMatchObject({
    task: 'classification',
    labels: ['0', '1', '2'],
  });
});

test('a time to live of Infinity turns expiry off', () => {
  expect(resolveFeedbackConfig({ meter, ttlMs: Infinity }, {}).ttlMs).toBe(Infinity);
});
