import { traced } from '@modelsight/core';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/index';
import { keyCount, lineStream } from './support/line-stream';
import { memoryTracing, uniqueModel } from '@modelsight/test-support';

const { tracer, spanNamed } = memoryTracing();

describe('createLogger', () => {
  it('writes trace_id, span_id, trace_flags and the model on a line logged inside a traced prediction', () => {
    const out = lineStream();
    const logger = createLogger({}, out.stream);
    const model = uniqueModel();
    const predict = traced(
      (x: number) => {
        logger.info({ x }, 'scoring');
        return { label: 'a', confidence: 0.9 };
      },
      { model, tracer },
    );

    predict(1);

    const span = spanNamed(`predict ${model.name}`);
    expect(out.last()).toMatchObject({
      msg: 'scoring',
      x: 1,
      trace_id: span.spanContext().traceId,
      span_id: span.spanContext().spanId,
      trace_flags: '01',
      'ml.model.name': model.name,
      'ml.model.version': model.version,
    });
  });

  it('writes trace fields but no model on a line logged in a span that is not a prediction', () => {
    const out = lineStream();
    const logger = createLogger({}, out.stream);

    tracer.startActiveSpan('plain work', (span) => {
      logger.info('working');
      span.end();
    });

    const line = out.last();
    expect(line['trace_id']).toBe(spanNamed('plain work').spanContext().traceId);
    expect(line).not.toHaveProperty('ml.model.name');
    expect(line).not.toHaveProperty('ml.model.version');
  });

  it('writes no trace fields on a line logged outside any span', () => {
    const out = lineStream();
    createLogger({}, out.stream).info('idle');

    expect(Object.keys(out.last()).sort()).toEqual(['hostname', 'level', 'msg', 'pid', 'time']);
  });

  it('writes the model on a line logged inside a batch prediction', () => {
    const out = lineStream();
    const logger = createLogger({}, out.stream);
    const model = uniqueModel();
    const predictMany = traced(
      (rows: number[]) => {
        logger.info({ rows: rows.length }, 'batch');
        return rows.map(() => ({ label: 'b' }));
      },
      { model, tracer, batch: true },
    );

    predictMany([1, 2, 3]);

    expect(out.last()).toMatchObject({ rows: 3, 'ml.model.name': model.name, 'ml.model.version': model.version });
  });

  it('keeps the model of the prediction on a line logged after an await inside it', async () => {
    const out = lineStream();
    const logger = createLogger({}, out.stream);
    const model = uniqueModel();
    const predict = traced(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        logger.info('after await');
        return { label: 'c' };
      },
      { model, tracer },
    );

    await predict();

    expect(out.last()).toMatchObject({ msg: 'after await', 'ml.model.name': model.name });
  });

  it('leaves the model out when modelFields is false', () => {
    const out = lineStream();
    const logger = createLogger({ modelFields: false }, out.stream);
    const predict = traced(() => logger.info('inside'), { model: uniqueModel(), tracer });

    predict();

    expect(out.last()).toHaveProperty('trace_id');
    expect(out.last()).not.toHaveProperty('ml.model.name');
  });

  it('names the trace fields after logKeys', () => {
    const out = lineStream();
    const logger = createLogger({ logKeys: { traceId: 'traceId', spanId: 'spanId' } }, out.stream);

    tracer.startActiveSpan('renamed', (span) => {
      logger.info('x');
      span.end();
    });

    const { traceId, spanId } = spanNamed('renamed').spanContext();
    expect(out.last()).toMatchObject({ traceId, spanId, trace_flags: '01' });
    expect(out.last()).not.toHaveProperty('trace_id');
  });

  it('runs a mixin given in the options and lets its fields win', () => {
    const out = lineStream();
    const logger = createLogger({ mixin: () => ({ region: 'eu', span_id: 'mine' }) }, out.stream);

    tracer.startActiveSpan('with user mixin', (span) => {
      logger.info('x');
      span.end();
    });

    expect(out.last()).toMatchObject({
      region: 'eu',
      span_id: 'mine',
      trace_id: spanNamed('with user mixin').spanContext().traceId,
    });
  });

  it('does not write a trace key twice when a child logger has it bound', () => {
    const out = lineStream();
    const logger = createLogger({}, out.stream);

    tracer.startActiveSpan('bound', (span) => {
      logger.child({ trace_id: 'bound-by-caller' }).info('x');
      span.end();
    });

    const raw = out.raw[out.raw.length - 1]!;
    expect(keyCount(raw, 'trace_id')).toBe(1);
    expect(out.last()['trace_id']).toBe('bound-by-caller');
    expect(out.last()['span_id']).toBe(spanNamed('bound').spanContext().spanId);
  });

  it('does not write a trace key twice when the call passes it in the merge object', () => {
    const out = lineStream();
    const logger = createLogger({}, out.stream);

    tracer.startActiveSpan('merged', (span) => {
      logger.info({ trace_id: 'given' }, 'x');
      span.end();
    });

    expect(keyCount(out.raw[out.raw.length - 1]!, 'trace_id')).toBe(1);
    expect(out.last()['trace_id']).toBe('given');
  });

  it('throws naming the option when a log key is empty', () => {
    expect(() => createLogger({ logKeys: { traceId: '' } })).toThrow(/"logKeys.traceId".*""/);
  });

  it('throws naming the option when modelFields is not a boolean', () => {
    expect(() => createLogger({ modelFields: 'yes' as unknown as boolean })).toThrow(/"modelFields".*"yes"/);
  });
});
