import { expect, test } from 'vitest';
import { CLUSTER_GROUPS, clusterLayout, keySlot, singleLayout } from '../src/key-layout';

test('key slots are computed as Redis Cluster does (CLUSTER KEYSLOT)', () => {
  // Values given by `redis-cli cluster keyslot` on Redis 7.
  expect(keySlot('foo')).toBe(12182);
  expect(keySlot('bar')).toBe(5061);
  expect(keySlot('123456789')).toBe(12739);
});

test('on a cluster, each group of keys lives in its own sixteenth of the slots, and an ID always in the same group', () => {
  const layout = clusterLayout('ms:fb:');
  const slots = Array.from({ length: CLUSTER_GROUPS }, (_, group) => {
    const key = layout.model(group);
    const tag = /\{(.+)\}/.exec(key)![1]!;
    expect(layout.prediction('abc-1', group).startsWith(`ms:fb:{${tag}}p:`)).toBe(true);
    return keySlot(tag);
  });
  expect(slots.map((slot) => Math.floor(slot / (16384 / CLUSTER_GROUPS)))).toEqual([...Array(CLUSTER_GROUPS).keys()]);
  const counts = new Array(CLUSTER_GROUPS).fill(0);
  for (let i = 0; i < 16_000; i++) counts[layout.groupOf(`7a5b251dd32c-${i.toString(36)}`)]++;
  expect(Math.min(...counts)).toBeGreaterThan(800);
  expect(clusterLayout('ms:fb:').groupOf('7a5b251dd32c-1')).toBe(layout.groupOf('7a5b251dd32c-1'));
});

test('a single Redis keeps the key names it always had', () => {
  const layout = singleLayout('ms:fb:');
  expect([layout.groups, layout.prediction('x', 0), layout.trace('t'), layout.model(0)]).toEqual([
    1,
    'ms:fb:p:x',
    'ms:fb:t:t',
    'ms:fb:m',
  ]);
});
