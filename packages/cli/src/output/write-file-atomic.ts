import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../input/input-error';

/** Temporary files being written. */
const pending = new Set<string>();

/** Removes the temporary files of writes under way: the command line calls it when interrupted. */
export function removePendingWrites(): void {
  for (const file of pending) rmSync(file, { force: true });
  pending.clear();
}

/**
 * Writes `content` to `file` through a temporary file in the same directory and a rename, so that
 * `file` is either left as it was or holds the whole new content; never half of it, even when the
 * disk fills up or the command is interrupted.
 */
export function writeFileAtomic(file: string, content: string): void {
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  pending.add(temporary);
  try {
    writeFileSync(temporary, content);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    const e = error as NodeJS.ErrnoException;
    const reason =
      e.code === 'ENOENT'
        ? 'its directory does not exist'
        : e.code === 'EACCES'
          ? 'permission denied'
          : e.code === 'EISDIR'
            ? 'it is a directory'
            : e.message;
    throw new InputError(`cannot write ${file}: ${reason}`);
  } finally {
    pending.delete(temporary);
  }
}
