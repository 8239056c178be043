#!/usr/bin/env node
import { processIo } from './cli/command-io';
import { main } from './cli/main';
import { removePendingWrites } from './output/write-file-atomic';

// Interrupted: no temporary file of a write under way is left behind.
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.once(signal, () => {
    removePendingWrites();
    process.exit(code);
  });
}
// `modelsight ... --out - | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

main(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    removePendingWrites();
    process.stderr.write(
      `modelsight: unexpected error, please report it: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
