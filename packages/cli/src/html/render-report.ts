import type { DriftScoreName } from '@modelsight/drift';
import { SCORE_NAMES } from '../report/drift-settings';
import type { ReportDocument, ReportFeature, ReportQuality } from '../report/report-types';
import { reportVerdict } from '../report/verdict';
import { barChartSvg, binsToDraw } from './bar-chart-svg';
import { escapeHtml as h, formatCount, formatScore, formatShare, formatStatistic } from './format';
import { REPORT_STYLES } from './report-styles';

const SCORE_LABELS: Record<DriftScoreName, string> = {
  psi: 'PSI',
  ks: 'KS statistic',
  ks_p_value: 'KS p-value',
  wasserstein: 'Wasserstein',
  jensen_shannon: 'Jensen–Shannon',
  chi2: 'χ² p-value',
};
const SINCE_START_SCORES: readonly DriftScoreName[] = ['psi', 'jensen_shannon', 'chi2'];
const isPValue = (name: DriftScoreName): boolean => name === 'ks_p_value' || name === 'chi2';

type Status = 'drift' | 'stable' | 'idle' | 'absent';

function statusOf(f: ReportFeature): Status {
  if (!f.present) return 'absent';
  if (f.drifted) return 'drift';
  return f.ready ? 'stable' : 'idle';
}

/** `missing 20.0% (reference 5.0%)`: the shares that rose beyond the limit. */
function qualityText(f: ReportFeature): string {
  const q = f.dataQuality;
  if (q === undefined) return '';
  return q.degradedBy
    .map((kind) =>
      kind === 'missing'
        ? `missing ${formatShare(q.missingShare)} (reference ${formatShare(q.referenceMissingShare)})`
        : `wrong type ${formatShare(q.invalidShare)} (reference ${formatShare(q.referenceInvalidShare)})`,
    )
    .join(', ');
}

function badge(f: ReportFeature, doc: ReportDocument): string {
  const quality =
    f.dataQuality?.degraded === true
      ? ` <span class="badge drift" data-quality="degraded" title="${h(qualityText(f))}">data quality</span>`
      : '';
  return statusBadge(f, doc) + quality;
}

function statusBadge(f: ReportFeature, doc: ReportDocument): string {
  switch (statusOf(f)) {
    case 'drift':
      return '<span class="badge drift">drift</span>';
    case 'stable':
      return '<span class="badge ok">stable</span>';
    case 'absent':
      return `<span class="badge idle">${doc.source.kind === 'data' ? 'not in the data' : 'not watched'}</span>`;
    default:
      return `<span class="badge idle" title="scores need ${formatCount(doc.settings.minSamples ?? 0)} values">too few values</span>`;
  }
}

const invalidTotal = (f: ReportFeature): number => f.invalid.type + f.invalid.out_of_range + f.invalid.unseen_category;
const anchor = (index: number): string => `feature-${index}`;

function thresholdText(name: DriftScoreName, value: number): string {
  return `${SCORE_LABELS[name]} ${isPValue(name) ? '<' : '≥'} ${value}`;
}

/** `PSI 0.392 ≥ 0.2`: a score that crossed its threshold. */
function crossingText(f: ReportFeature, name: DriftScoreName, threshold: number | undefined): string {
  return `${SCORE_LABELS[name]} ${formatScore(f.scores[name])} ${isPValue(name) ? '<' : '≥'} ${threshold ?? '?'}`;
}

function scoreCell(f: ReportFeature, name: DriftScoreName): string {
  const crossed = f.driftedBy.includes(name);
  return `<td class="score${crossed ? ' crossed' : ''}" data-score="${name}">${formatScore(f.scores[name])}</td>`;
}

function summaryTable(doc: ReportDocument, anchors: Map<ReportFeature, number>): string {
  const metrics = doc.source.kind === 'metrics';
  // Only the scores some feature has (a service computes PSI and KS by default); PSI always.
  const names = SCORE_NAMES.filter((n) => n === 'psi' || doc.features.some((f) => f.scores[n] !== undefined));
  const head = [
    '<th>Feature</th><th class="left">Drift</th>',
    ...names.map((n) => `<th>${SCORE_LABELS[n]}</th>`),
    metrics ? '<th title="PSI of every value since the service started">PSI since start</th>' : '',
    `<th>${metrics ? 'Window' : 'Values'}</th><th>Missing</th><th>Invalid</th>`,
  ].join('');
  const rows = doc.features.map((f) => {
    const status = statusOf(f);
    return (
      `<tr class="${status === 'drift' ? 'drifted' : status}" data-feature="${h(f.name)}" data-drifted="${f.drifted}">` +
      `<td class="name"><a href="#${anchor(anchors.get(f)!)}" title="${h(f.name)}">${h(f.name)}</a>${f.role === 'output' ? ' <span class="role">output</span>' : ''}</td>` +
      `<td class="left">${badge(f, doc)}</td>` +
      names.map((n) => scoreCell(f, n)).join('') +
      (metrics ? `<td>${formatScore(f.sinceStart?.psi)}</td>` : '') +
      `<td>${formatCount(f.samples)}</td><td>${formatCount(f.missing)}</td><td>${formatCount(invalidTotal(f))}</td></tr>`
    );
  });
  return `<div class="panel summary-wrap"><table class="summary" id="summary-table"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

function statsTable(f: ReportFeature, doc: ReportDocument): string {
  const rows: string[] = [];
  const group = (title: string) => rows.push(`<tr class="group"><th colspan="2">${h(title)}</th></tr>`);
  const row = (label: string, value: string, cls = '') =>
    rows.push(`<tr><th>${h(label)}</th><td class="${cls}">${value}</td></tr>`);
  const names = SCORE_NAMES.filter((n) => f.scores[n] !== undefined);
  if (names.length > 0) {
    group(
      doc.source.kind === 'metrics'
        ? `Service window (${formatCount(f.samples)} values)`
        : `Scores (${formatCount(f.samples)} values${doc.source.kind === 'prometheus' ? ' of the fleet' : ''})`,
    );
    for (const n of names) row(SCORE_LABELS[n], formatScore(f.scores[n]), f.driftedBy.includes(n) ? 'crossed' : '');
  }
  const since = SINCE_START_SCORES.filter((n) => f.sinceStart?.[n] !== undefined);
  if (since.length > 0) {
    group('Every value since the service started');
    for (const n of since) row(SCORE_LABELS[n], formatScore(f.sinceStart?.[n]));
  }
  group('Current data');
  const counted = f.bins.reduce((s, b) => s + b.count, 0);
  row(doc.source.kind === 'data' ? 'Values' : 'Values counted', formatCount(counted));
  row('Missing', formatCount(f.missing));
  if (f.type === 'numeric') {
    row('Out of range', formatCount(f.invalid.out_of_range));
    row('Wrong type', formatCount(f.invalid.type));
  } else {
    row('Unseen categories', formatCount(f.invalid.unseen_category));
    row('Wrong type', formatCount(f.invalid.type));
  }
  group('Reference');
  row('Values', formatCount(f.reference.count));
  row('Missing', formatShare(f.reference.missingRate));
  if (f.type === 'numeric') {
    row('Mean ± std', `${formatStatistic(f.reference.mean)} ± ${formatStatistic(f.reference.std)}`);
    row('Range', `${formatStatistic(f.reference.min)} … ${formatStatistic(f.reference.max)}`);
  } else {
    row('Categories kept', formatCount(f.reference.categories ?? 0));
  }
  return `<table class="stats">${rows.join('')}</table>`;
}

function featureCard(f: ReportFeature, index: number, doc: ReportDocument): string {
  const status = statusOf(f);
  const notes: string[] = [];
  if (status === 'idle' && f.present)
    notes.push(`Scores need ${formatCount(doc.settings.minSamples ?? 0)} values; there are ${formatCount(f.samples)}.`);
  if (status === 'absent')
    notes.push(
      doc.source.kind === 'data'
        ? 'The current data has no such column: only the reference is drawn.'
        : `The ${doc.source.kind === 'metrics' ? 'service' : 'fleet'} does not watch this feature: only the reference is drawn.`,
    );
  if (f.dataQuality?.degraded === true) {
    const limit = doc.settings.maxMissingIncrease;
    notes.push(
      `Data quality: ${qualityText(f)}, more than ${limit === undefined ? 'the limit' : `${+(limit * 100).toFixed(4)} points`} above the reference.`,
    );
  }
  if (f.driftedBy.length > 0)
    notes.push(`Drifted: ${f.driftedBy.map((n) => crossingText(f, n, doc.settings.thresholds[n])).join(', ')}.`);
  else if (status === 'drift') notes.push('Drifted, as the service decided (ml_drift_detected).');
  const { merged } = binsToDraw(f.bins);
  if (merged > 0) notes.push(`The ${merged} smallest bins are drawn as one bar.`);
  if (doc.source.kind === 'metrics') notes.push('Bars: every value the service counted since it started.');
  if (doc.source.kind === 'prometheus')
    notes.push(`Bars: every value the fleet counted${rangeText(doc.source.range)}.`);
  return (
    `<article class="panel feature ${status === 'drift' ? 'drifted' : status}" id="${anchor(index)}" data-feature="${h(f.name)}" data-drifted="${f.drifted}">` +
    `<header><h3>${h(f.name)}</h3>${badge(f, doc)}<span class="role">${f.type} ${f.role}</span></header>` +
    `<div class="body"><figure style="margin:0">${barChartSvg(f.name, f.bins, f.present)}` +
    notes.map((n) => `<p class="note">${h(n)}</p>`).join('') +
    `</figure>${statsTable(f, doc)}</div></article>`
  );
}

function qualitySection(q: ReportQuality): string {
  const figures: string[] = [];
  const figure = (value: string, label: string) =>
    figures.push(`<div class="figure"><div class="value">${value}</div><div class="label">${h(label)}</div></div>`);
  if (q.accuracy !== undefined) {
    figure(
      formatShare(q.accuracy),
      q.labelled === undefined
        ? 'accuracy'
        : `accuracy: ${formatCount(q.correct ?? 0)} of ${formatCount(q.labelled)} labelled rows`,
    );
  } else if (q.labelled === 0) figure('–', 'accuracy: no row has both a label and a prediction');
  if (q.estimatedAccuracy !== undefined)
    figure(formatShare(q.estimatedAccuracy), 'estimated accuracy (mean confidence)');
  if (q.predictions !== undefined) {
    figure(formatCount(q.predictions.ok), 'predictions');
    figure(formatCount(q.predictions.error), 'failed predictions');
  }
  for (const outcome of q.outcomes ?? []) {
    const predicted = q.predictions?.ok;
    figure(
      predicted === undefined || predicted === 0
        ? formatCount(outcome.predictions)
        : formatShare(outcome.predictions / predicted),
      `${outcome.name}: ${formatCount(outcome.predictions)} predictions, value ${formatStatistic(outcome.value)}`,
    );
  }
  if (q.mae !== undefined) figure(formatStatistic(q.mae), 'mean absolute error');
  if (q.rmse !== undefined) figure(formatStatistic(q.rmse), 'root mean squared error');
  const classes =
    q.classes === undefined || q.classes.length === 0
      ? ''
      : `<table><thead><tr><th>Class</th><th>Precision</th><th>Recall</th><th>F1</th></tr></thead><tbody>${q.classes
          .map(
            (c) =>
              `<tr><td>${h(c.label)}</td><td>${formatScore(c.precision)}</td><td>${formatScore(c.recall)}</td><td>${formatScore(c.f1)}</td></tr>`,
          )
          .join('')}</tbody></table>`;
  return `<section id="quality"><h2>Model quality</h2><div class="panel quality"><div class="figures">${figures.join('')}</div>${classes}</div></section>`;
}

/** ` over the last 1h`, or ` since each replica started`. */
function rangeText(range: string | undefined): string {
  return range === undefined ? ' since each replica started' : ` over the last ${range}`;
}

/** `PSI ≥ 0.2 or χ² p-value < 0.01`. */
function thresholdList(doc: ReportDocument): string {
  return (Object.entries(doc.settings.thresholds) as [DriftScoreName, number][])
    .map(([n, v]) => thresholdText(n, v))
    .join(' or ');
}

function metaLine(doc: ReportDocument): string {
  const items: string[] = [];
  if (doc.source.kind === 'data') {
    items.push(
      `current data <b>${h(doc.source.current)}</b> (${formatCount(doc.source.rows)} rows)`,
      `profile <b>${h(doc.source.profile)}</b>`,
    );
    items.push(
      `drift when ${h(thresholdList(doc) || 'never (no threshold)')}`,
      `scores from ${formatCount(doc.settings.minSamples ?? 0)} values`,
    );
  } else if (doc.source.kind === 'prometheus') {
    items.push(
      `Prometheus <b>${h(doc.source.url)}</b>`,
      `model <b>${h(doc.source.model)} ${h(doc.source.version)}</b>`,
      `${formatCount(doc.source.replicas)} replica${doc.source.replicas === 1 ? '' : 's'}, values counted${h(rangeText(doc.source.range))}`,
      `profile <b>${h(doc.source.profile)}</b>`,
      `drift when ${h(thresholdList(doc) || 'never (no threshold)')}`,
      `scores from ${formatCount(doc.settings.minSamples ?? 0)} values`,
    );
  } else {
    items.push(
      `service <b>${h(doc.source.url)}</b>`,
      `model <b>${h(doc.source.model)} ${h(doc.source.version)}</b>`,
      `profile <b>${h(doc.source.profile)}</b>`,
      'drift as the service decides it',
    );
  }
  items.push(`generated ${h(doc.generatedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))}`);
  return `<p class="meta">${items.map((i) => `<span>${i}</span>`).join('')}</p>`;
}

function verdict(doc: ReportDocument): string {
  const { outcome, drifted, degraded, unscored } = reportVerdict(doc);
  const total = doc.features.length;
  const list = (features: readonly ReportFeature[]) =>
    `<span class="names">${features.map((f) => h(f.name)).join(', ')}</span>`;
  if (outcome === 'no_drift')
    return `<div class="verdict ok" id="verdict" data-outcome="${outcome}">No drift: ${total} of ${total} features scored, none drifted.</div>`;
  if (outcome === 'insufficient_data') {
    return (
      `<div class="verdict idle" id="verdict" data-outcome="${outcome}">Too little data: ${total - unscored.length} of ${total} features scored` +
      `${doc.settings.minSamples === undefined ? '' : ` (scores need ${formatCount(doc.settings.minSamples)} values)`}; not scored: ${list(unscored)}</div>`
    );
  }
  const parts: string[] = [];
  if (drifted.length > 0) parts.push(`${drifted.length} of ${total} features drifted: ${list(drifted)}`);
  if (degraded.length > 0)
    parts.push(
      `${degraded.length} of ${total} with more missing or invalid values than the reference: ${list(degraded)}`,
    );
  return `<div class="verdict drift" id="verdict" data-outcome="${outcome}">${parts.join('. ')}</div>`;
}

const DEFINITIONS = `<footer><dl>
<dt>PSI</dt><dd>Population stability index over the profile's bins, Σ (c − r)·ln(c / r), an empty bin's share taken as 0.0001. Below 0.1 is stable, 0.1–0.2 a moderate shift, 0.2 and above drift.</dd>
<dt>KS statistic and p-value</dt><dd>Two-sample Kolmogorov–Smirnov test of the current values against the profile's sample (p-value as scipy.stats.ks_2samp, asymptotic). Numeric features.</dd>
<dt>Wasserstein</dt><dd>Earth mover's distance between the current values and the profile's sample, divided by the reference standard deviation. Numeric features.</dd>
<dt>Jensen–Shannon</dt><dd>Jensen–Shannon distance (natural log) between the bin shares, from 0 to 0.83.</dd>
<dt>χ² p-value</dt><dd>Pearson's χ² goodness-of-fit test of the current counts against the reference shares. Categorical features.</dd>
<dt>Invalid</dt><dd>Numbers outside the reference range (they still count in the bins), categories the reference never had (counted as "other"), values of the wrong type.</dd>
</dl><p>Every number is computed by @modelsight/drift, the library that watches the service.</p></footer>`;

/**
 * The report as one HTML page with its styles and charts inline, no script, and a content
 * security policy that forbids any request: it opens offline, from disk or as a mail attachment.
 */
export function renderReportHtml(doc: ReportDocument): string {
  const anchors = new Map(doc.features.map((f, i) => [f, i]));
  const outputs = doc.features.filter((f) => f.role === 'output');
  const inputs = doc.features.filter((f) => f.role === 'input');
  const cards = (features: ReportFeature[]) => features.map((f) => featureCard(f, anchors.get(f)!, doc)).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(doc.title)}</title>
<style>${REPORT_STYLES}</style>
</head>
<body>
<main>
<h1>${h(doc.title)}</h1>
${metaLine(doc)}
${verdict(doc)}
${doc.warnings.length > 0 ? `<ul class="warnings" id="warnings">${doc.warnings.map((w) => `<li>${h(w)}</li>`).join('')}</ul>` : ''}
<section id="summary"><h2>Summary</h2>${summaryTable(doc, anchors)}</section>
${doc.quality === undefined ? '' : qualitySection(doc.quality)}
${outputs.length > 0 ? `<section id="prediction-drift"><h2>Prediction drift</h2><div class="features">${cards(outputs)}</div></section>` : ''}
<section id="features"><h2>Features</h2><div class="features">${cards(inputs)}</div></section>
${DEFINITIONS}
</main>
</body>
</html>
`;
}
