import { SILENT_PROGRESS, terminalProgress, type Progress } from '../output/progress-bar';

/** Where a command writes: results, one-line remarks, progress. */
export interface CommandIo {
  readonly stdout: NodeJS.WritableStream;
  /** A line on stderr: a remark the user should read (a column left out, ...). */
  warn(message: string): void;
  /** A line on stderr: what was done. */
  info(message: string): void;
  /** A progress bar on stderr when it is a terminal and not `quiet`; silent otherwise. */
  progress(quiet: boolean, label: string): Progress;
}

/** The process's own streams. */
export function processIo(): CommandIo {
  return {
    stdout: process.stdout,
    warn: (message) => process.stderr.write(`modelsight: warning: ${message}\n`),
    info: (message) => process.stderr.write(`${message}\n`),
    progress: (quiet, label) =>
      quiet || !process.stderr.isTTY ? SILENT_PROGRESS : terminalProgress(process.stderr, label),
  };
}
