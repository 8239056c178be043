import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inProcessReplica, type InProcessReplica } from './support/feedback-replicas';
import { IRIS_ROWS, irisExampleScript } from './support/iris-example';
import { freePort } from './support/prometheus';
import { startRedis, type RedisServer } from './support/redis-server';
import { startPreloaded, type PreloadedService, type PreloadMode } from './support/service-process';
import { endUnderLoad, sustainedLoad, type Answer, type SustainedLoad } from './support/sustained-load';

// The iris example under the preload with the Redis feedback store, ended by SIGTERM in the middle of
// sustained traffic. The store writes predictions off the prediction path, in batches; the preload's
// shutdown must write what is still queued, so that feedback arriving after the replica is gone still
// finds every prediction it answered.
const CONNECTIONS = 32;
const ANSWERS_BEFORE_SIGNAL = 1500;

let redis: RedisServer | undefined;
let service: PreloadedService | undefined;
let load: SustainedLoad | undefined;
let replica: InProcessReplica | undefined;
afterEach(async () => {
  load?.stop();
  await load?.done;
  await service?.stop();
  await replica?.close();
  await redis?.remove();
  redis = service = load = replica = undefined;
});

/** Starts the iris example on a fresh Redis, under load from 32 connections until 1,500 answers have arrived. */
async function startUnderLoad(mode: PreloadMode, env: Record<string, string> = {}): Promise<void> {
  redis = await startRedis();
  service = await startPreloaded({
    script: irisExampleScript(mode),
    preload: mode,
    env: {
      OTEL_TRACES_EXPORTER: 'none',
      PREDICTION_LOG_SAMPLE_RATE: '0',
      MODELSIGHT_FEEDBACK_STORE: 'redis',
      MODELSIGHT_REDIS_URL: redis.url,
      ...env,
    },
  });
  load = sustainedLoad({
    url: service.url,
    connections: CONNECTIONS,
    path: () => '/predict',
    body: (i) => ({ features: IRIS_ROWS[i % 3]!.features }),
  });
  await load.waitForAnswers(ANSWERS_BEFORE_SIGNAL);
}

/** Sends SIGTERM; resolves once the process has ended and the load stopped. */
const terminate = () => endUnderLoad(service!, load!);

/** Runs fixtures/redis-store-shutdown.cjs (start(), predictions, shutdown(), exit) to its end. */
function runShutdownScript(env: Record<string, string>): { status: number | null; answers: Answer[]; stderr: string } {
  const script = spawnSync(process.execPath, [resolve(__dirname, 'fixtures/redis-store-shutdown.cjs')], {
    cwd: __dirname,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  const lines = script.stdout.split('\n').filter((line) => line !== '');
  return {
    status: script.status,
    answers: lines.map((line) => ({ status: 200, body: JSON.parse(line) as Record<string, unknown> })),
    stderr: script.stderr,
  };
}

/** The outcome of feedback for each answered prediction, sent through another tracker on the same Redis. */
async function feedbackOutcomes(answers: Answer[]): Promise<Map<string, number>> {
  replica = await inProcessReplica({ url: redis!.url });
  const outcomes = new Map<string, number>();
  for (let i = 0; i < answers.length; i += 250) {
    const chunk = answers.slice(i, i + 250);
    const results = await Promise.all(
      chunk.map(({ body }, j) => {
        // Every seventh label is another class, so that both outcomes of a joined prediction occur.
        const predicted = String(body['prediction']);
        const truth = (i + j) % 7 === 0 ? IRIS_ROWS.find((row) => row.label !== predicted)!.label : predicted;
        return replica!.tracker.recordFeedback(String(body['predictionId']), truth);
      }),
    );
    for (const outcome of results) outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  }
  return outcomes;
}

describe.each(['require', 'import'] as const)(
  'SIGTERM under sustained traffic to a service on the Redis store, preloaded with --%s',
  (mode) => {
    it('writes every prediction it answered to Redis before it ends, so late feedback joins each one', async () => {
      await startUnderLoad(mode);

      const { answers, afterSignal, exit } = await terminate();

      expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
      expect(afterSignal).toBeGreaterThan(0);
      expect(answers.every((answer) => answer.status === 200)).toBe(true);
      const outcomes = await feedbackOutcomes(answers);
      const incorrect = Math.ceil(answers.length / 7);
      expect(Object.fromEntries(outcomes)).toEqual({ correct: answers.length - incorrect, incorrect });
    });
  },
);

describe('SIGTERM to a service whose Redis hangs', () => {
  it('ends the process once MODELSIGHT_SHUTDOWN_TIMEOUT_MS is over, though the store would wait far longer, and says why', async () => {
    await startUnderLoad('require', { MODELSIGHT_SHUTDOWN_TIMEOUT_MS: '1500', MODELSIGHT_REDIS_TIMEOUT_MS: '60000' });
    // Accepts connections and answers nothing: every write now waits for the store's 60 s limit.
    redis!.pause();
    await load!.waitForAnswers(load!.answered() + 300);

    const { exit, ms } = await terminate();

    expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
    expect(ms).toBeGreaterThanOrEqual(1400);
    expect(ms).toBeLessThan(1500 + 1000);
    expect(service!.stderr()).toMatch(
      /Redis feedback store at redis:\/\/127\.0\.0\.1:\d+ did not finish writing within \d+ ms/,
    );
  });
});

describe('shutdown() of start(), called by a script right after its last prediction', () => {
  it('writes every prediction to Redis before it resolves, so that the script can exit at once', async () => {
    redis = await startRedis();
    const { status, answers } = runShutdownScript({ MODELSIGHT_REDIS_URL: redis.url, PREDICTIONS: '3000' });

    const outcomes = await feedbackOutcomes(answers);

    expect(status).toBe(0);
    expect(answers).toHaveLength(3000);
    expect(Object.fromEntries(outcomes)).toEqual({ correct: 3000 - 429, incorrect: 429 });
  });
});

describe('shutdown() of start() while Redis is away', () => {
  it('reports once how many predictions could not be written', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const { status, stderr } = runShutdownScript({
      MODELSIGHT_REDIS_URL: url,
      PREDICTIONS: '300',
      WAIT_FOR_REDIS: '0',
    });

    expect(status).toBe(0);
    const lost = stderr.split('\n').filter((line) => line.includes('could not write what it holds'));
    // Still connecting, or refused: either way the predictions stay in the process.
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatch(
      new RegExp(
        `^@modelsight\\/core: Redis feedback store at ${url} could not write what it holds: Error: 300 predictions not sent: Redis unavailable \\(Error: (not connected yet|connect ECONNREFUSED .+)\\)$`,
      ),
    );
  });
});
