import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../input/input-error';
import { writeFileAtomic } from '../output/write-file-atomic';
import type { CommandIo } from './command-io';

/** Fails before any work is done when `out` cannot be written: its directory is missing, or it is a directory. */
export function checkOutput(out: string): void {
  if (out === '-') return;
  let directory: ReturnType<typeof statSync> | undefined;
  try {
    directory = statSync(dirname(out));
  } catch {
    directory = undefined;
  }
  if (directory === undefined || !directory.isDirectory())
    throw new InputError(`cannot write ${out}: its directory does not exist`);
  try {
    if (statSync(out).isDirectory()) throw new InputError(`cannot write ${out}: it is a directory`);
  } catch (error) {
    if (error instanceof InputError) throw error;
  }
}

/** Writes a command's result to `out` (whole or not at all), or to standard output for `-`. */
export function writeOutput(out: string, content: string, io: CommandIo): void {
  if (out === '-') io.stdout.write(content);
  else writeFileAtomic(out, content);
}
