import { parseArgs } from 'node:util';
import { InputError } from '../input/input-error';
import { startResponder } from '../respond/responder-server';
import { loadResponderConfig } from '../respond/responses-config';
import { endRunningGroups } from '../respond/run-command';
import type { CommandIo } from './command-io';

const ARGS = { config: { type: 'string' }, check: { type: 'boolean' } } as const;

/** `modelsight respond --config responses.yaml [--check]`: runs until stopped by a signal. */
export async function respondCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], options: ARGS, allowPositionals: true, strict: true });
  if (positionals.length > 0) throw new InputError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  if (values.config === undefined) throw new InputError('give --config FILE, the responses to alerts (YAML)');
  const config = loadResponderConfig(values.config);
  const summary = `${config.actions.size} actions, ${config.routes.length} routes`;
  if (values.check === true) {
    io.info(`${config.file}: ${summary}: OK`);
    return 0;
  }
  let url: string;
  try {
    ({ url } = await startResponder(config, {
      audit: (line) => io.stdout.write(`${JSON.stringify(line)}\n`),
    }));
  } catch (error) {
    throw new InputError(
      `${config.file}: cannot listen on listen.host ${config.host} listen.port ${config.port}: ${(error as Error).message}`,
    );
  }
  // Commands run in process groups of their own: they end with the responder rather than linger.
  process.once('exit', endRunningGroups);
  io.info(`modelsight respond: listening on ${url} (${summary}; audit lines on stdout)`);
  return new Promise<number>(() => undefined);
}
