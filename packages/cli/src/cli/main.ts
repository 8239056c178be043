import { InputError } from '../input/input-error';
import { removePendingWrites } from '../output/write-file-atomic';
import type { CommandIo } from './command-io';
import { profileBuildCommand } from './profile-build-command';
import { profileMergeCommand } from './profile-merge-command';
import { reportCommand } from './report-command';
import { respondCommand } from './respond-command';
import { MAIN_HELP, PROFILE_BUILD_HELP, PROFILE_HELP, PROFILE_MERGE_HELP, REPORT_HELP, RESPOND_HELP } from './usage';
import { VERSION } from './version';

/** Exit code for bad input or options. */
export const BAD_INPUT_EXIT_CODE = 2;

const wantsHelp = (argv: readonly string[]): boolean => argv.includes('--help') || argv.includes('-h');

interface Command {
  readonly name: string;
  readonly help: string;
  run(argv: readonly string[], io: CommandIo): Promise<number>;
}

/** The command named by the first arguments, and the arguments left for it. */
function findCommand(
  argv: readonly string[],
): { command: Command; rest: readonly string[] } | { help: string; rest: readonly string[]; unknown?: string } {
  const [first, second] = argv;
  if (first === 'report')
    return { command: { name: 'modelsight report', help: REPORT_HELP, run: reportCommand }, rest: argv.slice(1) };
  if (first === 'respond')
    return { command: { name: 'modelsight respond', help: RESPOND_HELP, run: respondCommand }, rest: argv.slice(1) };
  if (first === 'profile') {
    if (second === 'build')
      return {
        command: { name: 'modelsight profile build', help: PROFILE_BUILD_HELP, run: profileBuildCommand },
        rest: argv.slice(2),
      };
    if (second === 'merge')
      return {
        command: { name: 'modelsight profile merge', help: PROFILE_MERGE_HELP, run: profileMergeCommand },
        rest: argv.slice(2),
      };
    return {
      help: PROFILE_HELP,
      rest: argv.slice(1),
      unknown: second === undefined || second.startsWith('-') ? undefined : `profile ${second}`,
    };
  }
  return {
    help: MAIN_HELP,
    rest: argv,
    unknown: first === undefined || first.startsWith('-') || first === 'help' ? undefined : first,
  };
}

/** Message of an error from `util.parseArgs`: unknown option, missing value... */
function isArgumentError(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

/**
 * Runs `modelsight` with the given arguments (without `node` and the script). Resolves to the exit
 * code: 0, 2 for bad input or options (after one line on stderr), 3 for drift with `--fail-on-drift`.
 */
export async function main(
  argv: readonly string[],
  io: CommandIo,
  stderr: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  if (argv[0] === '--version' || argv[0] === '-v') {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const found = findCommand(argv);
  if (!('command' in found)) {
    if (found.unknown !== undefined) {
      stderr.write(`modelsight: unknown command "${found.unknown}"; see modelsight --help\n`);
      return BAD_INPUT_EXIT_CODE;
    }
    if (found.rest.length > 0 && !wantsHelp(found.rest) && found.rest[0] !== 'help') {
      stderr.write(`modelsight: unexpected ${JSON.stringify(found.rest[0])}; see modelsight --help\n`);
      return BAD_INPUT_EXIT_CODE;
    }
    io.stdout.write(found.help);
    return 0;
  }
  const { command, rest } = found;
  if (wantsHelp(rest)) {
    io.stdout.write(command.help);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    removePendingWrites();
    if (error instanceof InputError) {
      stderr.write(`${command.name}: ${error.message.replace(/\s*\n\s*/g, ' ')}\n`);
      return BAD_INPUT_EXIT_CODE;
    }
    if (isArgumentError(error)) {
      stderr.write(`${command.name}: ${error.message.replace(/\s*\n\s*/g, ' ')}; see ${command.name} --help\n`);
      return BAD_INPUT_EXIT_CODE;
    }
    throw error;
  }
}
