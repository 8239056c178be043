import { parseArgs } from 'node:util';
import { loadProfile, ProfileError, parseProfile, serializeProfile } from '@modelsight/drift';
import { InputError } from '../input/input-error';
import { mergeProfiles } from '../profile/merge-profiles';
import type { CommandIo } from './command-io';
import { positiveInteger } from './option-values';
import { checkOutput, writeOutput } from './write-output';

const ARGS = {
  out: { type: 'string' },
  bins: { type: 'string' },
  'sample-size': { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
} as const;

/** `modelsight profile merge PROFILE... --out FILE`. */
export async function profileMergeCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], options: ARGS, allowPositionals: true, strict: true });
  if (positionals.length === 0) {
    throw new InputError(
      'give the profiles to merge: modelsight profile merge part-1.json part-2.json --out profile.json',
    );
  }
  if (values.out === undefined)
    throw new InputError('give --out FILE, where the merged profile goes (- for standard output)');
  checkOutput(values.out);
  const profiles = positionals.map((file) => {
    try {
      return loadProfile(file);
    } catch (error) {
      if (error instanceof ProfileError) throw new InputError(error.message);
      throw error;
    }
  });
  const { profile, estimates } = mergeProfiles(profiles, {
    bins: positiveInteger('bins', values.bins),
    sampleSize: positiveInteger('sample-size', values['sample-size']),
  });
  writeOutput(values.out, serializeProfile(parseProfile(profile)), io);
  for (const estimate of estimates) io.warn(`estimated: ${estimate}`);
  if (values.quiet !== true) {
    io.info(
      `${values.out === '-' ? 'profile' : values.out}: ${profile.features.length} features from ${profile.rows} rows of ${positionals.length} profiles` +
        (estimates.length === 0 ? ', exact' : `, ${estimates.length} estimated (see above)`),
    );
  }
  return 0;
}
