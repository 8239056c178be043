import { context, createContextKey, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { describe, expect, it } from 'vitest';
import { LinkedContext, linkedTo } from '../src/instrumentations/linked-context';

const A = createContextKey('a');
const B = createContextKey('b');

describe('LinkedContext', () => {
  it('reads what it and its parents hold, innermost first, and leaves its parents as they were', () => {
    const parent = ROOT_CONTEXT.setValue(A, 'from the parent');
    const start = linkedTo(parent);
    const one = start.setValue(B, 1);
    const two = one.setValue(B, 2).setValue(A, 'replaced');
    expect(one.getValue(A)).toBe('from the parent');
    expect(one.getValue(B)).toBe(1);
    expect(two.getValue(B)).toBe(2);
    expect(two.getValue(A)).toBe('replaced');
    expect(parent.getValue(B)).toBeUndefined();
    expect(start.getValue(B)).toBeUndefined();
    expect(two.deleteValue(A).getValue(A)).toBeUndefined();
    expect(two.getValue(A)).toBe('replaced');
  });

  it('starts a chain on ROOT_CONTEXT once, and continues a chain rather than starting another', () => {
    expect(linkedTo(ROOT_CONTEXT)).toBe(linkedTo(ROOT_CONTEXT));
    const chain = linkedTo(ROOT_CONTEXT).setValue(A, 1);
    expect(chain).toBeInstanceOf(LinkedContext);
    expect(linkedTo(chain)).toBe(chain);
  });

  it('keeps every value past the depth at which it starts again from a context of the API', () => {
    let current = linkedTo(ROOT_CONTEXT);
    const keys = Array.from({ length: 40 }, (_, i) => createContextKey(`k${i}`));
    keys.forEach((key, i) => {
      current = current.setValue(key, i);
    });
    current = current.deleteValue(keys[3]!);
    keys.forEach((key, i) => expect(current.getValue(key)).toBe(i === 3 ? undefined : i));
  });

  it('carries a span through the context manager as the API context does', () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    try {
      const span = trace.wrapSpanContext({ traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 1 });
      const seen = context.with(
        trace.setSpan(linkedTo(ROOT_CONTEXT), span),
        () => trace.getSpan(context.active())?.spanContext().spanId,
      );
      expect(seen).toBe('2'.repeat(16));
    } finally {
      context.disable();
    }
  });
});
