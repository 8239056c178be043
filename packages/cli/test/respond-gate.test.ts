import { describe, expect, test } from 'vitest';
import { ActionGate } from '../src/respond/action-gate';
import { refuseLabel } from '../src/respond/label-template';

describe('ActionGate', () => {
  test('runs an action once for a group that keeps firing, until the cooldown has passed', () => {
    const gate = new ActionGate();
    expect(gate.decide('retrain', 'g1', 1000, 0)).toBe('run');
    expect(gate.decide('retrain', 'g1', 1000, 500)).toBe('deduplicated');
    expect(gate.decide('retrain', 'g2', 1000, 500)).toBe('run');
    expect(gate.decide('notify', 'g1', 1000, 500)).toBe('run');
    expect(gate.decide('retrain', 'g1', 1000, 999)).toBe('deduplicated');
    expect(gate.decide('retrain', 'g1', 1000, 1000)).toBe('run');
  });

  test('does not run it again for a group that resolved and fires again within the cooldown', () => {
    const gate = new ActionGate();
    expect(gate.decide('retrain', 'g1', 1000, 0)).toBe('run');
    gate.resolve('g1');
    expect(gate.decide('retrain', 'g1', 1000, 200)).toBe('cooled_down');
    expect(gate.decide('retrain', 'g1', 1000, 1200)).toBe('run');
    expect(gate.decide('retrain', 'g1', 1000, 1300)).toBe('deduplicated');
  });

  test('with a cooldown of 0, runs at every notification', () => {
    const gate = new ActionGate();
    expect(gate.decide('ping', 'g1', 0, 0)).toBe('run');
    expect(gate.decide('ping', 'g1', 0, 0)).toBe('run');
  });
});

describe('refuseLabel', () => {
  const patterns = new Map([['v', /^(?:.{1,20})$/u]]);
  test('refuses a missing label, a leading dash, a NUL and a value its pattern does not match', () => {
    expect(refuseLabel('v', undefined, patterns)).toBe('label v is not common to every alert of the group');
    expect(refuseLabel('v', '--exec=sh', patterns)).toBe('label v starts with "-"');
    expect(refuseLabel('v', 'a\0b', patterns)).toBe('label v holds a NUL character');
    expect(refuseLabel('v', 'x'.repeat(21), patterns)).toBe('label v does not match its pattern');
    expect(refuseLabel('v', '$(touch /tmp/x)', patterns)).toBeUndefined();
  });
});
