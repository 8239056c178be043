/**
 * Where the store keeps each thing in Redis. A single Redis takes any keys in one script; Redis
 * Cluster runs a script only when every key it touches is in one hash slot, so there the keys carry
 * a hash tag (`{…}`): one of {@link CLUSTER_GROUPS} groups, chosen from the prediction ID, each with
 * its own model hash. A batch of writes becomes one script per group.
 */
export interface KeyLayout {
  /** Groups of keys that one script may touch together: 1 on a single Redis. */
  readonly groups: number;
  /** The group of a prediction ID. */
  groupOf(id: string): number;
  /** The key of a prediction. */
  prediction(id: string, group: number): string;
  /** The key of a trace (the trace index, single Redis only). */
  trace(traceId: string): string;
  /** The prefix of prediction keys that the take script adds to an ID read from a trace key. */
  readonly predictionPrefix: string;
  /** The hash of model names and versions of a group. */
  model(group: number): string;
}

/** The keys of a single Redis (or a Sentinel-managed primary): `<prefix>p:<id>`, `<prefix>t:<trace>`, `<prefix>m`. */
export function singleLayout(prefix: string): KeyLayout {
  const predictionPrefix = `${prefix}p:`;
  const traceKey = `${prefix}t:`;
  const modelKey = `${prefix}m`;
  return {
    groups: 1,
    groupOf: () => 0,
    prediction: (id) => predictionPrefix + id,
    trace: (traceId) => traceKey + traceId,
    predictionPrefix,
    model: () => modelKey,
  };
}

/**
 * Groups of a cluster layout. More groups spread the keys over more primaries (each group lives on
 * one); fewer make bigger write scripts. 16 spreads evenly over 2, 4, 8 or 16 primaries and nearly so
 * over 3 (6, 5 and 5).
 */
export const CLUSTER_GROUPS = 16;

/** CRC16/XMODEM, the hash of Redis Cluster's key slots (https://redis.io/docs/reference/cluster-spec/). */
function crc16(text: string): number {
  let crc = 0;
  for (const byte of Buffer.from(text)) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** The hash slot of a tag, as Redis Cluster computes it. */
export function keySlot(tag: string): number {
  return crc16(tag) % 16384;
}

/**
 * One tag per group, each in its own sixteenth of the 16384 slots: `redis-cli --cluster create`
 * gives each primary a contiguous range, so the groups spread over the primaries. The same in
 * every process (found by counting up), so that every replica puts an ID in the same group.
 */
function clusterTags(): string[] {
  const tags: string[] = [];
  const width = 16384 / CLUSTER_GROUPS;
  for (let group = 0; group < CLUSTER_GROUPS; group++) {
    for (let n = 0; ; n++) {
      const tag = n.toString(36);
      if (Math.floor(keySlot(tag) / width) === group) {
        tags.push(tag);
        break;
      }
    }
  }
  return tags;
}

let tags: string[] | undefined;

/** FNV-1a over the UTF-16 code units: cheap, and the same in every process. */
function groupHash(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** The keys of Redis Cluster: `<prefix>{<tag>}p:<id>` and `<prefix>{<tag>}m`, the tag chosen from the ID. */
export function clusterLayout(prefix: string): KeyLayout {
  tags ??= clusterTags();
  const predictionPrefixes = tags.map((tag) => `${prefix}{${tag}}p:`);
  const modelKeys = tags.map((tag) => `${prefix}{${tag}}m`);
  return {
    groups: CLUSTER_GROUPS,
    groupOf: (id) => groupHash(id) % CLUSTER_GROUPS,
    prediction: (id, group) => predictionPrefixes[group]! + id,
    trace: () => {
      throw new Error('the trace index is not kept on Redis Cluster');
    },
    predictionPrefix: '',
    model: (group) => modelKeys[group]!,
  };
}
