import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyCount } from './support/line-stream';

// The preload's pino instrumentation adds its own trace fields through a mixin of its own. This runs
// the real instrumentation in a child process (it must patch pino before pino loads) against the
// built package, and reads the raw lines: JSON.parse would hide a duplicated key.
function runFixture(): string[] {
  const fixture = join(__dirname, 'fixtures', 'log-under-pino-instrumentation.cjs');
  const stdout = execFileSync(process.execPath, [fixture], { encoding: 'utf8', timeout: 15_000 });
  return stdout.split('\n').filter((line) => line.startsWith('{'));
}

describe('createLogger under @opentelemetry/instrumentation-pino', () => {
  const raw = runFixture();
  const byMessage = (msg: string) => {
    const line = raw.find((candidate) => (JSON.parse(candidate) as { msg: string }).msg === msg);
    if (line === undefined) throw new Error(`no line "${msg}" in:\n${raw.join('\n')}`);
    return { raw: line, parsed: JSON.parse(line) as Record<string, unknown> };
  };

  it('is really instrumented: a plain pino logger gets trace_id from the instrumentation alone', () => {
    expect(byMessage('plain logger in span').parsed['trace_id']).toMatch(/^[0-9a-f]{32}$/);
  });

  it('writes each trace key once on a line logged in a span', () => {
    const line = byMessage('modelsight logger in span');
    for (const key of ['trace_id', 'span_id', 'trace_flags']) expect(keyCount(line.raw, key)).toBe(1);
  });

  it('writes each trace and model key once on a line logged inside a prediction', () => {
    const line = byMessage('inside prediction');
    for (const key of ['trace_id', 'span_id', 'trace_flags', 'ml.model.name', 'ml.model.version']) {
      expect(keyCount(line.raw, key)).toBe(1);
    }
    expect(line.parsed).toMatchObject({ 'ml.model.name': 'dup-check', 'ml.model.version': '2.0.0' });
  });

  it('writes each key once on a prediction line, with the trace of the request', () => {
    const line = byMessage('prediction');
    for (const key of ['trace_id', 'span_id', 'ml.model.name', 'ml.prediction.id'])
      expect(keyCount(line.raw, key)).toBe(1);
    expect(line.parsed['trace_id']).toBe(byMessage('modelsight logger in span').parsed['trace_id']);
  });
});
