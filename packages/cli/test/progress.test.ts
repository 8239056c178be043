// biome-ignore-all lint/suspicious/noControlCharactersInRegex: the progress bar is drawn with terminal escape sequences
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { generateRows, toCsv, writeText } from './support/data-files.cjs';
import { CLI, runCli, tempDir } from './support/run-cli';

// The progress bar is drawn only when stderr is a terminal; `script` gives the command a real one.
let dir: string;
let data: string;

beforeAll(() => {
  dir = tempDir();
  data = writeText(join(dir, 'rows.csv'), toCsv(generateRows(40_000, 5)));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('without a terminal, stderr holds only the one-line summary', () => {
  const result = runCli(['profile', 'build', data, '--out', join(dir, 'plain.json')]);
  expect(result.code).toBe(0);
  expect(result.stderr).toBe(
    `${join(dir, 'plain.json')}: 8 features (4 numeric, 4 categorical) from 40000 rows of ${data}\n`,
  );
});

test('--quiet prints nothing', () => {
  const result = runCli(['profile', 'build', data, '--out', join(dir, 'quiet.json'), '--quiet']);
  expect([result.code, result.stdout, result.stderr]).toEqual([0, '', '']);
});

test('on a terminal a progress bar is redrawn in place and cleared at the end', () => {
  const command = `${process.execPath} ${CLI} profile build ${data} --out ${join(dir, 'tty.json')}`;
  // util-linux script: -q quiet, -e exit code of the command, -c the command; the typescript goes to /dev/null.
  const result = spawnSync('script', ['-qec', command, '/dev/null'], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', TERM: 'xterm', COLUMNS: '120' },
  });
  expect(result.status).toBe(0);
  expect(result.stdout).toMatch(/\r\x1b\[Krows\.csv \[[#-]{24}\] +\d+% {2}[\d,]+ rows/);
  expect(result.stdout).toContain('\r\x1b[Krows.csv: profiling age (1 of 8)');
  expect(result.stdout).toContain(`\r\x1b[K${join(dir, 'tty.json')}: 8 features`);
});
