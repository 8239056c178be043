/** The report's style sheet, inlined: the report is one file that needs nothing else. */
export const REPORT_STYLES = `
:root {
  --text: #1f2933; --muted: #616e7c; --line: #e4e7eb; --panel: #ffffff; --page: #f5f7fa;
  --reference: #9aa5b1; --current: #2563eb; --drift: #c81e1e; --drift-bg: #fdecec; --ok: #137333; --ok-bg: #e6f4ea;
  --idle: #7b8794; --idle-bg: #eef0f3;
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--page); color: var(--text);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 28px 24px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; font-weight: 650; }
h2 { font-size: 18px; margin: 32px 0 12px; font-weight: 650; }
h3 { font-size: 16px; margin: 0; font-weight: 650; word-break: break-word; }
.meta { color: var(--muted); margin: 0; }
.meta span + span::before { content: " · "; }
.verdict { margin: 20px 0 0; padding: 14px 18px; border-radius: 8px; font-size: 16px; font-weight: 600; }
.verdict.drift { background: var(--drift-bg); color: var(--drift); border: 1px solid #f5b5b5; }
.verdict.ok { background: var(--ok-bg); color: var(--ok); border: 1px solid #b7dfc2; }
.verdict.idle { background: var(--idle-bg); color: var(--idle); border: 1px solid #d0d4da; }
.verdict .names { font-weight: 400; }
.warnings { margin: 12px 0 0; padding: 10px 18px 10px 34px; background: #fff8e1; border: 1px solid #f3d98b; border-radius: 8px; color: #6b4e00; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; }
table { border-collapse: collapse; width: 100%; }
th, td { padding: 7px 9px; text-align: right; border-bottom: 1px solid var(--line); white-space: nowrap; }
th { font-size: 12px; font-weight: 600; color: var(--muted); background: #fafbfc; white-space: normal; vertical-align: bottom; }
th:first-child, td:first-child, .left { text-align: left; }
tbody tr:last-child td, .stats tr:last-child th, .stats tr:last-child td { border-bottom: 0; }
.summary-wrap { overflow-x: auto; }
table.summary td.name { font-weight: 600; max-width: 240px; overflow: hidden; text-overflow: ellipsis; }
table.summary a { color: inherit; text-decoration: none; }
table.summary a:hover { text-decoration: underline; }
tr.drifted td.name { color: var(--drift); }
td.crossed { color: var(--drift); font-weight: 700; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; }
.badge.drift { background: var(--drift); color: #fff; }
.badge.ok { background: var(--ok-bg); color: var(--ok); }
.badge.idle { background: var(--idle-bg); color: var(--idle); }
.role { color: var(--muted); font-size: 12px; }
.features { display: grid; gap: 16px; }
.feature { padding: 16px 18px; border-left: 4px solid var(--line); }
.feature.drifted { border-left-color: var(--drift); }
.feature.stable { border-left-color: #8fd19e; }
.feature header { display: flex; align-items: baseline; gap: 10px; flex-wrap: wrap; margin-bottom: 8px; }
.feature .body { display: grid; grid-template-columns: minmax(0, 1fr) 290px; gap: 18px; align-items: start; }
.feature .note { color: var(--muted); margin: 4px 0 0; font-size: 13px; }
.stats td, .stats th { padding: 4px 6px; font-size: 13px; }
.stats th { background: none; text-align: left; font-weight: 500; color: var(--muted); font-size: 13px; }
.stats tr.group th { padding-top: 10px; color: var(--text); font-weight: 600; border-bottom: 1px solid var(--line); }
svg.chart { width: 100%; height: auto; display: block; }
svg .grid { stroke: var(--line); stroke-width: 1; }
svg .axis { stroke: #9aa5b1; stroke-width: 1; }
svg text { font: 11px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: var(--muted); }
svg .legend text { fill: var(--text); font-size: 12px; }
svg rect.reference { fill: var(--reference); }
svg rect.current { fill: var(--current); }
svg rect.hit { fill: transparent; }
svg g.bin:hover rect.hit { fill: rgba(37, 99, 235, 0.06); }
.quality { padding: 14px 18px; }
.quality .figures { display: flex; gap: 36px; flex-wrap: wrap; }
.figure .value { font-size: 22px; font-weight: 650; }
.figure .label { color: var(--muted); font-size: 12px; }
.quality table { margin-top: 12px; max-width: 520px; }
footer { margin-top: 36px; color: var(--muted); font-size: 13px; }
footer dt { font-weight: 600; color: var(--text); margin-top: 6px; }
footer dd { margin: 0 0 0 0; }
@media (max-width: 820px) { .feature .body { grid-template-columns: 1fr; } }
@media print { body { background: #fff; } .feature { break-inside: avoid; } }
`;
