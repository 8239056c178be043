import { traced } from '@modelsight/core';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { buildProfile, DriftMonitor } from '@modelsight/drift';
import { expect, it } from 'vitest';

// traced() of @modelsight/core feeds a DriftMonitor through `observers`, with no other code.

class ManualReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

interface Flower {
  petalLength: number;
  color: string;
}

const classify = (flower: Flower) =>
  flower.petalLength > 2.5 ? { label: 'versicolor', confidence: 0.9 } : { label: 'setosa', confidence: 0.8 };

const training: Flower[] = Array.from({ length: 600 }, (_, i) => ({
  petalLength: 1 + (i % 50) / 10,
  color: i % 3 === 0 ? 'white' : 'purple',
}));
const profile = buildProfile(
  training.map((flower) => {
    const output = classify(flower);
    return { ...flower, 'prediction.label': output.label, 'prediction.confidence': output.confidence };
  }),
);

function wrappedWithMonitor() {
  const monitor = new DriftMonitor({
    model: { name: 'iris', version: '2.0.0' },
    profile,
    meter: new MeterProvider({ readers: [new ManualReader()] }).getMeter('test'),
    minSamples: 10,
  });
  const predict = traced(classify, {
    model: { name: 'iris', version: '2.0.0' },
    features: (flower: Flower) => ({ petalLength: flower.petalLength, color: flower.color }),
    observers: [monitor],
  });
  return { monitor, predict };
}

it('feeds the features, label and confidence of every prediction into the monitor', () => {
  const { monitor, predict } = wrappedWithMonitor();
  for (let i = 0; i < 50; i++) predict({ petalLength: 7.5, color: 'purple' });
  const report = Object.fromEntries(monitor.report().features.map((f) => [f.name, f]));
  expect(report.petalLength!.windowSamples).toBe(50);
  expect(report.petalLength!.invalid.out_of_range).toBe(50);
  expect(report.color!.windowSamples).toBe(50);
  expect(report['prediction.label']!.bins.find((b) => b.description === 'versicolor')!.total).toBe(50);
  expect(report['prediction.confidence']!.windowSamples).toBe(50);
  expect(report.petalLength!.drifted).toBe(true);
});

it('skips predictions that threw', () => {
  const { monitor } = wrappedWithMonitor();
  const failing = traced(
    (_flower: Flower): { label: string } => {
      throw new Error('model unavailable');
    },
    {
      model: { name: 'iris', version: '2.0.0' },
      features: (flower: Flower) => ({ petalLength: flower.petalLength, color: flower.color }),
      observers: [monitor],
    },
  );
  expect(() => failing({ petalLength: 1, color: 'white' })).toThrow('model unavailable');
  const report = monitor.report();
  expect(report.features.map((f) => f.windowSamples + f.missing)).toEqual([0, 0, 0, 0]);
});
