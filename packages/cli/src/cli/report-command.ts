import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { renderReportHtml } from '../html/render-report';
import { InputError } from '../input/input-error';
import { buildReportFromFile, buildReportFromMetrics, buildReportFromPrometheus } from '../report/build-report';
import type { ReportDocument } from '../report/report-types';
import { reportVerdict } from '../report/verdict';
import type { CommandIo } from './command-io';
import { DATA_FILE_ARGS, dataFileOptions } from './data-file-args';
import { positiveInteger, promqlDuration, thresholds } from './option-values';
import { checkOutput, writeOutput } from './write-output';

const ARGS = {
  ...DATA_FILE_ARGS,
  profile: { type: 'string' },
  current: { type: 'string' },
  metrics: { type: 'string' },
  prometheus: { type: 'string' },
  range: { type: 'string' },
  out: { type: 'string' },
  model: { type: 'string' },
  'model-version': { type: 'string' },
  'min-samples': { type: 'string' },
  threshold: { type: 'string', multiple: true },
  title: { type: 'string' },
  'max-missing-increase': { type: 'string' },
  'fail-on-drift': { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
} as const;

/** Exit code when a feature drifted (or its data quality degraded) and `--fail-on-drift` is given. */
export const DRIFT_EXIT_CODE = 3;
/** Exit code when `--fail-on-drift` is given, nothing drifted, but a feature was not scored (too few values). */
export const INSUFFICIENT_DATA_EXIT_CODE = 4;

/** `--max-missing-increase 0.02`: a share from 0 to 1. */
function share(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1)
    throw new InputError(`--${option} must be a share from 0 to 1 (0.02 is 2 points), got ${JSON.stringify(value)}`);
  return n;
}

/** `modelsight report --profile FILE (--current DATA | --metrics URL) --out FILE`. */
export async function reportCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], options: ARGS, allowPositionals: true, strict: true });
  if (positionals.length > 0)
    throw new InputError(
      `unexpected argument ${JSON.stringify(positionals[0])}: the current data goes after --current`,
    );
  if (values.profile === undefined) throw new InputError('give --profile FILE, the reference profile');
  const sources = [values.current, values.metrics, values.prometheus].filter((v) => v !== undefined);
  if (sources.length !== 1) {
    throw new InputError(
      'give one of --current DATA (a data file), --metrics URL (a running service) or --prometheus URL (a fleet)',
    );
  }
  if (values.prometheus !== undefined && values.model === undefined)
    throw new InputError('give --model NAME with --prometheus: the model whose replicas to report on');
  if (values.range !== undefined && values.prometheus === undefined)
    throw new InputError('--range applies to --prometheus only');
  const range = promqlDuration('range', values.range);
  if (values.out === undefined)
    throw new InputError('give --out FILE, where the report goes (.html or .json; - for standard output)');
  checkOutput(values.out);
  const given = thresholds(values.threshold);
  if (values.metrics !== undefined && Object.keys(given).length > 0) {
    throw new InputError(
      '--threshold applies to --current and --prometheus: with --metrics the service decides drift under its own thresholds',
    );
  }
  const common = {
    minSamples: positiveInteger('min-samples', values['min-samples']),
    maxMissingIncrease: share('max-missing-increase', values['max-missing-increase']),
    title: values.title,
  };
  const quiet = values.quiet === true;
  const progress = io.progress(
    quiet,
    basename(values.current ?? (values.metrics === undefined ? 'Prometheus' : '/metrics')),
  );
  let doc: ReportDocument;
  try {
    doc =
      values.current !== undefined
        ? await buildReportFromFile(values.profile, values.current, {
            ...common,
            ...dataFileOptions(values),
            thresholds: given,
            progress,
          })
        : values.metrics !== undefined
          ? await buildReportFromMetrics(values.profile, values.metrics, {
              ...common,
              model: values.model,
              modelVersion: values['model-version'],
            })
          : await buildReportFromPrometheus(values.profile, values.prometheus as string, values.model as string, {
              ...common,
              modelVersion: values['model-version'],
              range,
              thresholds: given,
            });
  } finally {
    progress.done();
  }
  const json = values.out.toLowerCase().endsWith('.json');
  writeOutput(values.out, json ? `${JSON.stringify(doc, null, 2)}\n` : renderReportHtml(doc), io);
  for (const warning of doc.warnings) io.warn(warning);
  const verdict = reportVerdict(doc);
  if (!quiet) io.info(`${values.out === '-' ? 'report' : values.out}: ${verdict.summary}`);
  if (values['fail-on-drift'] !== true) return 0;
  if (verdict.outcome === 'drift') return DRIFT_EXIT_CODE;
  return verdict.outcome === 'insufficient_data' ? INSUFFICIENT_DATA_EXIT_CODE : 0;
}
