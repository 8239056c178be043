import type { ReportBin } from '../report/report-types';
import { escapeHtml, formatCount, formatShare } from './format';

/** Most bars drawn; a categorical feature with more bins shows its largest ones and one bar for the rest. */
const MAX_BARS = 30;
const WIDTH = 720;
const HEIGHT = 270;
const MARGIN = { left: 48, right: 12, top: 30, bottom: 72 };
/** Tops of the share axis and the step of its grid lines: round percentages, three to five lines. */
const NICE_AXES: readonly (readonly [top: number, step: number])[] = [
  [0.02, 0.005],
  [0.05, 0.01],
  [0.1, 0.025],
  [0.15, 0.05],
  [0.2, 0.05],
  [0.25, 0.05],
  [0.3, 0.1],
  [0.4, 0.1],
  [0.5, 0.1],
  [0.6, 0.2],
  [0.8, 0.2],
  [1, 0.25],
];

/** The bins to draw: all of them, or the largest ones and their rest merged into one bar. */
export function binsToDraw(bins: readonly ReportBin[]): { bins: ReportBin[]; merged: number } {
  if (bins.length <= MAX_BARS) return { bins: [...bins], merged: 0 };
  const largest = bins
    .map((bin, i) => ({ bin, i }))
    .sort((a, b) => Math.max(b.bin.reference, b.bin.current) - Math.max(a.bin.reference, a.bin.current) || a.i - b.i)
    .slice(0, MAX_BARS - 1);
  const kept = new Set(largest.map((x) => x.i));
  const rest = bins.filter((_, i) => !kept.has(i));
  const sum = (f: (b: ReportBin) => number) => rest.reduce((s, b) => s + f(b), 0);
  const merged: ReportBin = {
    label: `${rest.length} more`,
    description: `${rest.length} more bins: ${rest.map((b) => b.label).join(', ')}`,
    reference: sum((b) => b.reference),
    current: sum((b) => b.current),
    count: sum((b) => b.count),
  };
  return { bins: [...largest.sort((a, b) => a.i - b.i).map((x) => x.bin), merged], merged: rest.length };
}

const truncate = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
const round = (x: number): string => (Math.round(x * 10) / 10).toString();

/**
 * Reference and current shares of each bin as grouped bars, in plain SVG (no script, no fonts to
 * fetch): the report is one file that opens offline. Each bin has a tooltip with the exact bin and
 * both shares.
 *
 * @param showCurrent False when the current data lacks the feature: only the reference is drawn.
 */
export function barChartSvg(name: string, allBins: readonly ReportBin[], showCurrent: boolean): string {
  const { bins } = binsToDraw(allBins);
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const largest = Math.max(...bins.map((b) => Math.max(b.reference, showCurrent ? b.current : 0)), 0.001);
  const [yMax, step] = NICE_AXES.find(([top]) => top >= largest) ?? [1, 0.25];
  const y = (share: number) => MARGIN.top + plotHeight - (share / yMax) * plotHeight;
  const group = plotWidth / bins.length;
  const bar = Math.max(2, Math.min(30, group * (showCurrent ? 0.36 : 0.6)));
  const rotate = bins.length > 8 || bins.some((b) => b.label.length * 6.5 > group);
  const maxChars = rotate ? 16 : Math.max(3, Math.floor(group / 6.5));

  const parts: string[] = [];
  for (let t = 0; t <= Math.round(yMax / step); t++) {
    const share = step * t;
    const ty = round(y(share));
    parts.push(
      `<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${ty}" y2="${ty}"/>`,
      `<text class="tick" x="${MARGIN.left - 6}" y="${ty}" dy="0.32em" text-anchor="end">${formatShare(share).replace('.0%', '%')}</text>`,
    );
  }
  bins.forEach((bin, i) => {
    const center = MARGIN.left + group * (i + 0.5);
    const tooltip = `${bin.description}: reference ${formatShare(bin.reference)}${showCurrent ? `, current ${formatShare(bin.current)} (${formatCount(bin.count)} values)` : ''}`;
    const bars = [
      `<rect class="reference" x="${round(showCurrent ? center - bar - 1 : center - bar / 2)}" y="${round(y(bin.reference))}" width="${round(bar)}" height="${round(y(0) - y(bin.reference))}"/>`,
    ];
    if (showCurrent) {
      bars.push(
        `<rect class="current" x="${round(center + 1)}" y="${round(y(bin.current))}" width="${round(bar)}" height="${round(y(0) - y(bin.current))}"/>`,
      );
    }
    const ly = HEIGHT - MARGIN.bottom + 14;
    const label = escapeHtml(truncate(bin.label, maxChars));
    const text = rotate
      ? `<text class="bin-label" transform="translate(${round(center + 3)},${ly}) rotate(-40)" text-anchor="end">${label}</text>`
      : `<text class="bin-label" x="${round(center)}" y="${ly}" text-anchor="middle">${label}</text>`;
    parts.push(
      `<g class="bin"><title>${escapeHtml(tooltip)}</title>${bars.join('')}<rect class="hit" x="${round(center - group / 2)}" y="${MARGIN.top}" width="${round(group)}" height="${plotHeight}"/>${text}</g>`,
    );
  });
  parts.push(
    `<line class="axis" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${round(y(0))}" y2="${round(y(0))}"/>`,
  );
  const legendX = WIDTH - MARGIN.right - (showCurrent ? 170 : 80);
  parts.push(
    `<g class="legend" transform="translate(${legendX},10)"><rect class="reference" width="10" height="10"/><text x="14" y="9">reference</text>` +
      (showCurrent ? `<rect class="current" x="88" width="10" height="10"/><text x="102" y="9">current</text>` : '') +
      `</g>`,
  );
  return (
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(`Reference and current distribution of ${name}`)}" data-feature="${escapeHtml(name)}">` +
    parts.join('') +
    `</svg>`
  );
}
