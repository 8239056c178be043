import { writeFileAtomic } from '../output/write-file-atomic';
import type { CommandIo } from './command-io';

/** Writes a command's result to `out` (whole or not at all), or to standard output for `-`. */
export function writeOutput(out: string, content: string, io: CommandIo): void {
  if (out === '-') io.stdout.write(content);
  else writeFileAtomic(out, content);
}
