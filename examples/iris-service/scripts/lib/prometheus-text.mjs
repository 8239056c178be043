// Reads the Prometheus text format and computes quantiles from histogram buckets the way
// PromQL's histogram_quantile() does (linear interpolation inside the bucket that holds the rank;
// https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile).

/** Parses sample lines into { name, labels, value }. */
export function parsePrometheusText(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const labels = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key] = value.replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** Sum of the samples named `name` whose labels include `match`. */
export function sumOf(samples, name, match = {}) {
  return samples
    .filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((total, s) => total + s.value, 0);
}

/** Cumulative buckets [{ le, count }] of a histogram, summed over the series matching `match`. */
export function bucketsOf(samples, histogram, match = {}) {
  const byLe = new Map();
  for (const s of samples) {
    if (s.name !== `${histogram}_bucket`) continue;
    if (!Object.entries(match).every(([k, v]) => s.labels[k] === v)) continue;
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    byLe.set(le, (byLe.get(le) ?? 0) + s.value);
  }
  return [...byLe.entries()].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
}

/** histogram_quantile(q, buckets): NaN without observations. */
export function histogramQuantile(q, buckets) {
  if (buckets.length < 2 || buckets[buckets.length - 1].le !== Infinity) return NaN;
  const total = buckets[buckets.length - 1].count;
  if (total === 0) return NaN;
  const rank = q * total;
  const index = buckets.findIndex((b) => b.count >= rank);
  if (index === buckets.length - 1) return buckets[buckets.length - 2].le;
  const bucket = buckets[index];
  if (index === 0 && bucket.le <= 0) return bucket.le;
  const start = index === 0 ? 0 : buckets[index - 1].le;
  const below = index === 0 ? 0 : buckets[index - 1].count;
  const inBucket = bucket.count - below;
  return start + (bucket.le - start) * ((rank - below) / inBucket);
}

export async function scrape(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return parsePrometheusText(await response.text());
}
