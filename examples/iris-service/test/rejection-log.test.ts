import { createLogger } from '@modelsight/pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RejectionLog } from '../src/rejection-log';

const missing = {
  route: '/predict',
  status: 400,
  reason: 'missing_feature',
  message: 'rejected: features.petal_width is missing',
};
const invalid = { route: '/predict', status: 400, reason: 'invalid_json', message: 'rejected: body is not valid JSON' };

describe('RejectionLog', () => {
  let lines: Record<string, unknown>[];
  let logger: ReturnType<typeof createLogger>;

  beforeEach(() => {
    vi.useFakeTimers();
    lines = [];
    logger = createLogger(
      {},
      { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    );
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes the first rejection of a reason in full and only counts the next ones within the interval', () => {
    const log = new RejectionLog(logger, 10_000);
    for (let i = 0; i < 1000; i++) log.write(logger, missing);
    expect(lines).toMatchObject([
      { level: 40, reason: 'missing_feature', route: '/predict', msg: 'rejected: features.petal_width is missing' },
    ]);
  });

  it('says at the end of the interval how many rejections got no line of their own', () => {
    const log = new RejectionLog(logger, 10_000);
    for (let i = 0; i < 1000; i++) log.write(logger, missing);
    vi.advanceTimersByTime(10_000);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({
      level: 40,
      reason: 'missing_feature',
      route: '/predict',
      suppressed: 999,
      interval_ms: 10_000,
    });
  });

  it('writes one summary line per interval while a flood goes on', () => {
    const log = new RejectionLog(logger, 10_000);
    for (let second = 0; second < 60; second++) {
      for (let i = 0; i < 100; i++) log.write(logger, missing);
      vi.advanceTimersByTime(1000);
    }
    expect(lines).toHaveLength(7);
    expect(1 + lines.slice(1).reduce((sum, line) => sum + Number(line['suppressed']), 0)).toBe(6000);
  });

  it('writes the next rejection in full again once a quiet interval has passed', () => {
    const log = new RejectionLog(logger, 10_000);
    log.write(logger, missing);
    vi.advanceTimersByTime(10_000);
    log.write(logger, missing);
    expect(lines.map((line) => line['msg'])).toEqual([
      'rejected: features.petal_width is missing',
      'rejected: features.petal_width is missing',
    ]);
  });

  it('limits each reason on its own', () => {
    const log = new RejectionLog(logger, 10_000);
    log.write(logger, missing);
    log.write(logger, invalid);
    log.write(logger, { ...invalid, route: '/feedback' });
    expect(lines.map((line) => [line['route'], line['reason']])).toEqual([
      ['/predict', 'missing_feature'],
      ['/predict', 'invalid_json'],
      ['/feedback', 'invalid_json'],
    ]);
  });

  it('writes every rejection when the interval is 0', () => {
    const log = new RejectionLog(logger, 0);
    for (let i = 0; i < 5; i++) log.write(logger, missing);
    expect(lines).toHaveLength(5);
    expect(vi.getTimerCount()).toBe(0);
  });
});
