import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { generateRows, toCsv, toJsonLines, writeText } from './support/data-files.cjs';
import { runCli, tempDir, type CliResult } from './support/run-cli';

// Bad input: one line on stderr that says what and where, exit code 2, and no output file touched.
let dir: string;
const PREVIOUS = 'the output of an earlier run\n';

beforeAll(() => {
  dir = tempDir();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `profile build` on `text` written to a fresh directory, over an existing output file. */
function profileOf(
  name: string,
  text: string | undefined,
  ...options: string[]
): CliResult & { files: string[]; previous: string; expectedFiles: string[] } {
  const own = join(dir, name.replace(/\W/g, '_'));
  mkdirSync(own);
  const data = join(own, name);
  if (text !== undefined) writeFileSync(data, text);
  const out = join(own, 'profile.json');
  writeFileSync(out, PREVIOUS);
  const result = runCli(['profile', 'build', data, '--out', out, ...options]);
  const expectedFiles = (text === undefined ? ['profile.json'] : [name, 'profile.json']).sort();
  return { ...result, files: readdirSync(own).sort(), previous: readFileSync(out, 'utf8'), expectedFiles };
}

function expectOneLineError(
  result: CliResult & { files?: string[]; previous?: string; expectedFiles?: string[] },
  ...fragments: string[]
): void {
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  const lines = result.stderr.split('\n').filter((line) => line !== '');
  expect(lines).toHaveLength(1);
  for (const fragment of fragments) expect(lines[0]).toContain(fragment);
  // The earlier output is untouched, and no temporary file is left beside it.
  if (result.previous !== undefined) expect(result.previous).toBe(PREVIOUS);
  if (result.files !== undefined) expect(result.files).toEqual(result.expectedFiles);
}

/** A loopback port nobody listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

test('a semicolon-separated file read with commas names the delimiter to give', () => {
  const result = profileOf('semicolons.csv', toCsv(generateRows(20, 1), ';'));
  expectOneLineError(result, 'semicolons.csv', 'separated by ";"', "--delimiter ';'");
});

test('a ragged row names its line and both field counts', () => {
  const result = profileOf('ragged.csv', 'a,b,c\n1,2,3\n4,5,6\n7,8\n9,10,11\n');
  expectOneLineError(result, 'ragged.csv line 4', '2 fields where the header has 3');
});

test('a non-numeric value in a numeric column names the line, the column and the value', () => {
  const rows = generateRows(500, 2);
  const lines = toCsv(rows).split('\n');
  lines[301] = lines[301]!.replace(/^\d+/, 'forty');
  const result = profileOf('typo.csv', lines.join('\n'));
  expectOneLineError(result, 'typo.csv line 302', 'column "age"', '"forty" is not a number', '--type age=categorical');
});

test('line numbers count the line breaks inside quoted fields', () => {
  const result = profileOf('multiline.csv', 'n,note\n1,"two\nlines"\n2,plain\nthree,"x"\n');
  expectOneLineError(result, 'multiline.csv line 5', '"three" is not a number');
});

test('a non-numeric value in a column declared numeric is refused', () => {
  const result = profileOf('declared.csv', 'code,x\nA1,1\nB2,2\n', '--type', 'code=numeric');
  expectOneLineError(result, 'declared.csv line 2', 'column "code"', '"A1" is not a number', '--type code=numeric');
});

test('an empty file is refused', () => {
  expectOneLineError(profileOf('empty.csv', ''), 'empty.csv is empty');
});

test('a header without rows is refused', () => {
  expectOneLineError(profileOf('header.csv', 'a,b\n'), 'header.csv has a header but no rows');
});

test('a missing file is refused', () => {
  expectOneLineError(profileOf('absent.csv', undefined), 'cannot read', 'absent.csv: no such file');
});

test('a line of JSON Lines that is not JSON names its line', () => {
  const text = toJsonLines(generateRows(30, 3)).split('\n');
  text[17] = '{"age": 41, "city": "Paris"';
  expectOneLineError(profileOf('broken.jsonl', text.join('\n')), 'broken.jsonl line 18', 'not valid JSON');
});

test('a JSON record that is not an object names its position', () => {
  expectOneLineError(profileOf('array.json', '[{"a": 1}, [1, 2]]'), 'array.json record 2', 'expected a JSON object');
});

test('a string in a numeric column of JSON Lines is refused', () => {
  expectOneLineError(
    profileOf('strings.jsonl', '{"x": 1}\n{"x": "2"}\n'),
    'strings.jsonl line 2',
    '"2" is not a number',
  );
});

test('an unclosed quote is reported by the CSV parser with its line', () => {
  expectOneLineError(profileOf('quote.csv', 'a,b\n1,"x\n2,3\n'), 'quote.csv line 2', 'quoted field unterminated');
});

test('an option naming a column the file lacks lists the columns', () => {
  const result = profileOf('columns.csv', 'a,b\n1,2\n', '--type', 'c=numeric');
  expectOneLineError(result, '--type names the column "c"', 'its columns: "a", "b"');
});

test('an unknown option points to --help', () => {
  const result = runCli(['profile', 'build', 'x.csv', '--out', 'p.json', '--bogus']);
  expectOneLineError(result, "Unknown option '--bogus'", 'see modelsight profile build --help');
});

test('an output in a directory that does not exist is refused before the data is read', () => {
  const result = runCli([
    'profile',
    'build',
    join(dir, 'never-read.csv'),
    '--out',
    join(dir, 'no', 'such', 'profile.json'),
  ]);
  expectOneLineError(result, `cannot write ${join(dir, 'no', 'such', 'profile.json')}: its directory does not exist`);
});

test('a bad option value names the option', () => {
  expectOneLineError(
    runCli(['profile', 'build', 'x.csv', '--out', 'p.json', '--bins', 'ten']),
    '--bins must be a whole number',
  );
});

test('a profile that is not a profile is refused by report with the place of the fault', () => {
  const own = join(dir, 'report-bad-profile');
  mkdirSync(own);
  const profile = writeText(
    join(own, 'profile.json'),
    JSON.stringify({ format: 'modelsight.drift.profile', formatVersion: 9 }),
  );
  const current = writeText(join(own, 'current.csv'), 'a\n1\n');
  const out = join(own, 'report.html');
  const result = runCli(['report', '--profile', profile, '--current', current, '--out', out]);
  expectOneLineError(result, 'invalid drift profile', 'formatVersion', 'unknown version 9');
  expect(readdirSync(own).sort()).toEqual(['current.csv', 'profile.json']);
});

test('a service that does not answer is reported, and no report is written', async () => {
  const own = join(dir, 'report-unreachable');
  mkdirSync(own);
  writeText(join(own, 'profile.csv'), 'a\n1\n2\n');
  expect(runCli(['profile', 'build', 'profile.csv', '--out', 'profile.json'], { cwd: own }).code).toBe(0);
  const url = `http://127.0.0.1:${await closedPort()}/metrics`;
  const result = runCli(['report', '--profile', 'profile.json', '--metrics', url, '--out', 'report.html'], {
    cwd: own,
  });
  expectOneLineError(result, `cannot reach ${url}`, 'ECONNREFUSED');
  expect(readdirSync(own).sort()).toEqual(['profile.csv', 'profile.json']);
});
