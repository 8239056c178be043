import { Agent, request } from 'node:http';

/** One answered request: its status and parsed JSON body. */
export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** Load that keeps going until it is stopped or the service stops answering. */
export interface SustainedLoad {
  /** Answers received so far. */
  answered(): number;
  /** Resolves once `count` answers have arrived. */
  waitForAnswers(count: number, timeoutMs?: number): Promise<void>;
  /** Resolves when every connection has given up (the service went away) or after `stop()`. */
  readonly done: Promise<{ answers: Answer[]; errors: string[] }>;
  /** Lets each connection finish its current request, then stops. */
  stop(): void;
}

export interface SustainedLoadOptions {
  /** Base URL of the service. */
  url: string;
  /** Requests in flight at once, each on its own keep-alive connection. */
  connections: number;
  /** Path and query of request `i`. */
  path: (i: number) => string;
  /** JSON body of request `i`. */
  body: (i: number) => unknown;
}

/**
 * POSTs JSON to a service over `connections` keep-alive connections, each sending its next request as
 * soon as the previous one is answered, until `stop()` or until a request fails (a service that ended
 * resets or refuses its connections). Only complete answers are counted: a response cut short by the
 * service's end is an error, as it is for a real client.
 */
export function sustainedLoad(options: SustainedLoadOptions): SustainedLoad {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const answers: Answer[] = [];
  const errors: string[] = [];
  const waiters = new Set<() => void>();
  let stopped = false;
  let next = 0;

  const send = (i: number) =>
    new Promise<Answer>((resolve, reject) => {
      const payload = JSON.stringify(options.body(i));
      const req = request(
        `${options.url}${options.path(i)}`,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('error', reject);
          response.on('aborted', () => reject(new Error('response aborted')));
          response.on('end', () => {
            if (!response.complete) return reject(new Error('response incomplete'));
            try {
              resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> });
            } catch (error) {
              reject(error as Error);
            }
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });

  const connection = async () => {
    while (!stopped) {
      try {
        answers.push(await send(next++));
      } catch (error) {
        errors.push(error instanceof Error ? error.message : String(error));
        return;
      }
      for (const waiter of waiters) waiter();
    }
  };

  const done = Promise.all(Array.from({ length: options.connections }, connection)).then(() => {
    agent.destroy();
    return { answers, errors };
  });

  return {
    answered: () => answers.length,
    waitForAnswers: (count, timeoutMs = 30_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (answers.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `only ${answers.length} of ${count} answers within ${timeoutMs} ms; errors: ${errors.slice(0, 3).join('; ')}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    done,
    stop: () => {
      stopped = true;
    },
  };
}

/** How a service ended by a signal in the middle of a {@link sustainedLoad}. */
export interface EndUnderLoad {
  /** Every answer received, before and after the signal. */
  answers: Answer[];
  /** Answers received after the signal was sent. */
  afterSignal: number;
  exit: unknown;
  /** From the signal to the end of the process, in milliseconds. */
  ms: number;
}

/** Sends `signal` to the service under `load`; resolves once the process has ended and the load stopped. */
export async function endUnderLoad(
  service: { exitBy(signal: NodeJS.Signals): Promise<unknown> },
  load: SustainedLoad,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<EndUnderLoad> {
  const atSignal = load.answered();
  const sent = performance.now();
  const exit = await service.exitBy(signal);
  const ms = performance.now() - sent;
  const { answers } = await load.done;
  return { answers, afterSignal: answers.length - atSignal, exit, ms };
}
