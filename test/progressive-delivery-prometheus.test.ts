import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { type PrometheusServer, startPrometheus } from './support/prometheus';

// The queries of the Flagger MetricTemplates and of the Argo Rollouts AnalysisTemplate in
// examples/progressive-delivery, their variables filled in, run by a real Prometheus that scrapes
// two endpoints: the stable version 1.0.0 and the canary 1.1.0. Every scrape adds the same counts,
// so every ratio and quantile over any window is known exactly.

const dir = resolve(__dirname, '../examples/progressive-delivery');
const documents = (file: string) =>
  parseAllDocuments(readFileSync(resolve(dir, file), 'utf8')).map((doc) => doc.toJS() as Record<string, any>);

/** What each scrape of a version adds. */
interface PerScrape {
  ok: number;
  error: number;
  /** Cumulative counts per bucket bound of ml_prediction_duration_seconds. */
  buckets: [string, number][];
  purchases: number;
  /** Shadow comparisons labelled with this version (the shadow's). */
  shadow?: { agree: number; disagree: number; error: number };
}

const STABLE: PerScrape = {
  ok: 98,
  error: 2,
  buckets: [
    ['0.01', 40],
    ['0.025', 80],
    ['0.05', 96],
    ['0.1', 100],
    ['0.25', 100],
    ['+Inf', 100],
  ],
  purchases: 12,
};
const CANARY: PerScrape = {
  ok: 90,
  error: 10,
  buckets: [
    ['0.01', 10],
    ['0.025', 50],
    ['0.05', 80],
    ['0.1', 90],
    ['0.25', 100],
    ['+Inf', 100],
  ],
  purchases: 9,
  shadow: { agree: 46, disagree: 3, error: 1 },
};
/** The values the templates must give for the canary, from the counts above. */
const EXPECTED = {
  // 10 errors in 100 predictions.
  'error-rate': 0.1,
  // Rank 95 of 100 falls in the bucket (0.1, 0.25] holding ranks 91 to 100: 0.1 + 0.15 * 5/10.
  'latency-p95': 0.175,
  // 46 agreements in 50 comparisons.
  'shadow-agreement': 0.92,
  // 9 purchases per 100 predictions against the stable version's 12 per 100.
  'conversion-ratio': 0.75,
};

function exposition(version: string, per: PerScrape, scrapes: number): string {
  const labels = `namespace="models",ml_model_name="iris-classifier",ml_model_version="${version}"`;
  const lines = [
    '# TYPE ml_predictions_total counter',
    `ml_predictions_total{${labels},ml_prediction_status="ok"} ${per.ok * scrapes}`,
    `ml_predictions_total{${labels},ml_prediction_status="error"} ${per.error * scrapes}`,
    '# TYPE ml_prediction_duration_seconds histogram',
    ...per.buckets.map(
      ([le, count]) => `ml_prediction_duration_seconds_bucket{${labels},le="${le}"} ${count * scrapes}`,
    ),
    `ml_prediction_duration_seconds_sum{${labels}} ${0.03 * (per.ok + per.error) * scrapes}`,
    `ml_prediction_duration_seconds_count{${labels}} ${(per.ok + per.error) * scrapes}`,
    '# TYPE ml_outcome_total counter',
    `ml_outcome_total{${labels},ml_outcome_name="purchase"} ${per.purchases * scrapes}`,
    // Another outcome, which the templates must not count.
    `ml_outcome_total{${labels},ml_outcome_name="click"} ${50 * scrapes}`,
  ];
  if (per.shadow) {
    lines.push('# TYPE ml_shadow_comparisons_total counter');
    for (const [outcome, count] of Object.entries(per.shadow))
      lines.push(`ml_shadow_comparisons_total{${labels},outcome="${outcome}"} ${count * scrapes}`);
  }
  return `${lines.join('\n')}\n`;
}

/** An endpoint whose counters grow by `per` at each scrape. */
function fixture(version: string, per: PerScrape): Server {
  let scrapes = 0;
  return createServer((_request, response) => {
    scrapes += 1;
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(exposition(version, per, scrapes));
  });
}

const servers = [fixture('1.0.0', STABLE), fixture('1.1.0', CANARY)];
let prometheus: PrometheusServer;
/** Short enough for the test, long enough for a dozen scrapes a second apart. */
const WINDOW = '20s';

const flaggerTemplates = new Map(
  documents('flagger-metric-templates.yaml').map((doc) => [doc.metadata.name as string, doc.spec.query as string]),
);
const canary = documents('flagger-canary.yaml')[0]!;
const analysisTemplate = documents('argo-analysis-template.yaml')[0]!;
const rollout = documents('argo-rollout.yaml')[0]!;

/** A Flagger query with its variables as the Canary gives them, over WINDOW. */
function flaggerQuery(metric: any, overrides: Record<string, string> = {}): string {
  const variables = { ...metric.templateVariables, ...overrides } as Record<string, string>;
  const query = flaggerTemplates
    .get(metric.templateRef.name)!
    .replaceAll('{{ namespace }}', canary.metadata.namespace)
    .replaceAll('{{ interval }}', WINDOW)
    .replace(/\{\{ variables\.(\w+) \}\}/g, (_, name: string) => {
      if (variables[name] === undefined) throw new Error(`${metric.name}: no variable ${name}`);
      return String(variables[name]);
    });
  expect(query).not.toContain('{{');
  return query;
}

/** The args of the AnalysisTemplate: its defaults, then the Rollout's, the namespace, WINDOW and `overrides`. */
function argoArgs(overrides: Record<string, string> = {}): Record<string, string> {
  const args: Record<string, string> = {};
  for (const arg of analysisTemplate.spec.args as { name: string; value?: string }[])
    if (arg.value !== undefined) args[arg.name] = arg.value;
  for (const arg of rollout.spec.strategy.canary.analysis.args as { name: string; value?: string }[])
    if (arg.value !== undefined) args[arg.name] = arg.value;
  return { ...args, namespace: rollout.metadata.namespace, window: WINDOW, ...overrides };
}

const fillArgs = (text: string, args: Record<string, string>) => {
  const filled = text.replace(/\{\{args\.([\w-]+)\}\}/g, (_, name: string) => {
    if (args[name] === undefined) throw new Error(`no arg ${name}`);
    return args[name]!;
  });
  expect(filled).not.toContain('{{');
  return filled;
};

/** An Argo condition (expr language) evaluated on a result, for the forms the template uses. */
const condition = (text: string, result: number[]): boolean =>
  new Function('result', `return ${text.replaceAll('len(result)', 'result.length')};`)(result) as boolean;

async function values(promql: string): Promise<number[]> {
  return (await prometheus.query(promql)).map((sample) => Number(sample.value[1]));
}

beforeAll(async () => {
  for (const server of servers) await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  prometheus = await startPrometheus({
    targets: servers.map((server) => `127.0.0.1:${(server.address() as { port: number }).port}`),
  });
  // A window's worth of scrapes of both endpoints.
  await prometheus.waitFor(
    `count_over_time(ml_predictions_total{ml_prediction_status="ok"}[${WINDOW}])`,
    (samples) => samples.length === 2 && samples.every((sample) => Number(sample.value[1]) >= 12),
    60_000,
  );
});

afterAll(async () => {
  await prometheus?.stop();
  for (const server of servers) await new Promise((done) => server.close(done));
});

describe('Flagger MetricTemplates', () => {
  it('has one template per metric, each used by the example Canary', () => {
    expect([...flaggerTemplates.keys()].sort()).toEqual([
      'modelsight-conversion-ratio',
      'modelsight-error-rate',
      'modelsight-latency-p95',
      'modelsight-shadow-agreement',
    ]);
    const used = (canary.spec.analysis.metrics as any[]).map((metric) => metric.templateRef.name);
    expect(used.sort()).toEqual([...flaggerTemplates.keys()].sort());
  });

  it('give the known values of the canary, which the Canary thresholds judge', async () => {
    const judged: Record<string, { value: number; passes: boolean }> = {};
    for (const metric of canary.spec.analysis.metrics as any[]) {
      const result = await values(flaggerQuery(metric));
      expect(result, metric.name).toHaveLength(1);
      const value = result[0]!;
      expect(value, metric.name).toBeCloseTo(EXPECTED[metric.name as keyof typeof EXPECTED], 9);
      const range = metric.thresholdRange as { min?: number; max?: number };
      judged[metric.name] = {
        value: Number(value.toFixed(6)),
        passes: (range.min === undefined || value >= range.min) && (range.max === undefined || value <= range.max),
      };
    }
    expect(judged).toEqual({
      'error-rate': { value: 0.1, passes: false },
      'latency-p95': { value: 0.175, passes: true },
      'shadow-agreement': { value: 0.92, passes: true },
      'conversion-ratio': { value: 0.75, passes: false },
    });
  });

  it('give nothing, a failed check for Flagger, while a version has fewer than min_samples', async () => {
    for (const metric of canary.spec.analysis.metrics as any[]) {
      expect(await values(flaggerQuery(metric, { min_samples: '1000000000' })), metric.name).toEqual([]);
      // The Canary's own minimum holds over the window: about 2000 predictions.
      expect(await values(flaggerQuery(metric)), metric.name).toHaveLength(1);
    }
  });

  it('give the stable version its own error rate and p95, and nothing for a version without traffic', async () => {
    const [errorRate, latency] = canary.spec.analysis.metrics as any[];
    expect((await values(flaggerQuery(errorRate, { version: '1.0.0' })))[0]).toBeCloseTo(0.02, 9);
    // Rank 95 in (0.025, 0.05], which holds ranks 81 to 96: 0.025 + 0.025 * 15/16.
    expect((await values(flaggerQuery(latency, { version: '1.0.0' })))[0]).toBeCloseTo(0.0484375, 9);
    expect(await values(flaggerQuery(errorRate, { version: '9.9.9', min_samples: '0' }))).toEqual([]);
  });
});

describe('Argo Rollouts AnalysisTemplate', () => {
  const metrics = analysisTemplate.spec.metrics as any[];

  it('measures the four metrics, each with a success and a failure condition', () => {
    expect(metrics.map((metric) => metric.name)).toEqual([
      'error-rate',
      'latency-p95',
      'shadow-agreement',
      'conversion-ratio',
    ]);
    for (const metric of metrics) {
      expect(metric.successCondition, metric.name).toMatch(/^len\(result\) > 0 && /);
      expect(metric.failureCondition, metric.name).toMatch(/^len\(result\) > 0 && /);
      expect(metric.provider.prometheus.address).toBe('{{args.prometheus-address}}');
    }
  });

  it('gives the known values of the canary, which its conditions judge', async () => {
    const args = argoArgs();
    const judged: Record<string, string> = {};
    for (const metric of metrics) {
      const result = await values(fillArgs(metric.provider.prometheus.query, args));
      expect(result, metric.name).toHaveLength(1);
      expect(result[0], metric.name).toBeCloseTo(EXPECTED[metric.name as keyof typeof EXPECTED], 9);
      const success = condition(fillArgs(metric.successCondition, args), result);
      const failure = condition(fillArgs(metric.failureCondition, args), result);
      judged[metric.name] = success ? 'Successful' : failure ? 'Failed' : 'Inconclusive';
    }
    expect(judged).toEqual({
      'error-rate': 'Failed',
      'latency-p95': 'Successful',
      'shadow-agreement': 'Successful',
      'conversion-ratio': 'Failed',
    });
  });

  it('gives nothing, an Inconclusive measurement, while a version has fewer than min-samples', async () => {
    for (const [overrides, expectedLength] of [
      [{ 'min-samples': '1000000000' }, 0],
      [{ 'min-samples': '200' }, 1],
    ] as const) {
      const args = argoArgs(overrides);
      for (const metric of metrics) {
        const result = await values(fillArgs(metric.provider.prometheus.query, args));
        expect(result, `${metric.name} ${JSON.stringify(overrides)}`).toHaveLength(expectedLength);
        if (expectedLength === 0) {
          expect(condition(fillArgs(metric.successCondition, args), result), metric.name).toBe(false);
          expect(condition(fillArgs(metric.failureCondition, args), result), metric.name).toBe(false);
        }
      }
    }
  });

  it('judges the stable version against itself as a success on every metric but the shadow, which it has none of', async () => {
    const args = argoArgs({ version: '1.0.0' });
    const outcome = async (metric: any) => {
      const result = await values(fillArgs(metric.provider.prometheus.query, args));
      return condition(fillArgs(metric.successCondition, args), result)
        ? 'Successful'
        : condition(fillArgs(metric.failureCondition, args), result)
          ? 'Failed'
          : 'Inconclusive';
    };
    const judged = Object.fromEntries(await Promise.all(metrics.map(async (m) => [m.name, await outcome(m)])));
    expect(judged).toEqual({
      'error-rate': 'Successful',
      'latency-p95': 'Successful',
      'shadow-agreement': 'Inconclusive',
      'conversion-ratio': 'Successful',
    });
  });
});
