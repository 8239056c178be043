import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { parseProfile, serializeProfile, type DriftProfile } from '@modelsight/drift';
import { InputError } from '../input/input-error';
import { buildProfileFromFile, type ProfileEngine } from '../profile/build-profile-from-file';
import type { CommandIo } from './command-io';
import { DATA_FILE_ARGS, dataFileOptions } from './data-file-args';
import { featureEdges, featureTypes, nameList, positiveInteger } from './option-values';
import { checkOutput, writeOutput } from './write-output';

const ARGS = {
  ...DATA_FILE_ARGS,
  out: { type: 'string' },
  features: { type: 'string' },
  ignore: { type: 'string' },
  type: { type: 'string', multiple: true },
  bins: { type: 'string' },
  edges: { type: 'string', multiple: true },
  'top-k': { type: 'string' },
  'sample-size': { type: 'string' },
  engine: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
} as const;

const count = (profile: DriftProfile, type: string) => profile.features.filter((f) => f.type === type).length;

/** `modelsight profile build DATA --out FILE`. */
export async function profileBuildCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], options: ARGS, allowPositionals: true, strict: true });
  if (positionals.length !== 1) {
    throw new InputError(
      positionals.length === 0
        ? 'give the data file: modelsight profile build DATA --out profile.json'
        : `one data file at a time, got ${positionals.length}: ${positionals.join(' ')}`,
    );
  }
  const file = positionals[0] as string;
  if (values.out === undefined) throw new InputError('give --out FILE, where the profile goes (- for standard output)');
  checkOutput(values.out);
  const quiet = values.quiet === true;
  const progress = io.progress(quiet, basename(file));
  const warnings: string[] = [];
  let profile: DriftProfile;
  try {
    profile = await buildProfileFromFile(file, {
      ...dataFileOptions(values),
      features: nameList('features', values.features),
      ignore: nameList('ignore', values.ignore),
      types: featureTypes(values.type),
      edges: featureEdges(values.edges),
      bins: positiveInteger('bins', values.bins),
      topK: positiveInteger('top-k', values['top-k']),
      sampleSize: positiveInteger('sample-size', values['sample-size']),
      engine: values.engine as ProfileEngine | undefined,
      onWarning: (message) => warnings.push(message),
      progress,
    });
  } finally {
    progress.done();
  }
  writeOutput(values.out, serializeProfile(parseProfile(profile)), io);
  for (const warning of warnings) io.warn(warning);
  if (!quiet) {
    io.info(
      `${values.out === '-' ? 'profile' : values.out}: ${profile.features.length} features ` +
        `(${count(profile, 'numeric')} numeric, ${count(profile, 'categorical')} categorical) from ${profile.rows} rows of ${file}`,
    );
  }
  return 0;
}
