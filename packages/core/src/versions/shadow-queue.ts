/** Why a shadow call was not run: its queue was full, or the versions were closed. Exported as `reason`. */
export type ShadowDropReason = 'queue_full' | 'closed';

/**
 * The shadow calls of one shadow version waiting to run, off the request path: at most `maxQueued`
 * wait (more are dropped and counted, so that a slow shadow costs bounded memory) and at most
 * `concurrency` run at once. Calls start from `setImmediate`, never in the caller's tick; a synchronous
 * shadow runs at most `concurrency` calls per turn of the event loop, so requests are served in between.
 */
export class ShadowQueue<Job> {
  private readonly jobs: (Job | undefined)[] = [];
  private head = 0;
  private running = 0;
  private scheduled = false;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  readonly dropped: Record<ShadowDropReason, number> = { queue_full: 0, closed: 0 };

  constructor(
    private readonly maxQueued: number,
    private readonly concurrency: number,
    /** Runs one job; a promise it returns holds a concurrency slot until it settles. Must not throw. */
    private readonly run: (job: Job) => unknown,
  ) {}

  /** Jobs waiting. */
  get queued(): number {
    return this.jobs.length - this.head;
  }

  /** Jobs running now. */
  get inFlight(): number {
    return this.running;
  }

  push(job: Job): void {
    if (this.closed) {
      this.dropped.closed++;
      return;
    }
    if (this.queued >= this.maxQueued) {
      this.dropped.queue_full++;
      return;
    }
    this.jobs.push(job);
    this.schedule();
  }

  /** Resolves when nothing waits nor runs. */
  idle(): Promise<void> {
    if (this.queued === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops what waits (counted as `closed`), refuses new jobs, and resolves when the running ones ended. */
  close(): Promise<void> {
    this.closed = true;
    this.dropped.closed += this.queued;
    this.jobs.length = 0;
    this.head = 0;
    return this.idle();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.drain);
  }

  private readonly drain = (): void => {
    this.scheduled = false;
    let started = 0;
    while (this.running < this.concurrency && this.queued > 0 && started < this.concurrency) {
      const job = this.jobs[this.head]!;
      this.jobs[this.head++] = undefined;
      if (this.head === this.jobs.length) {
        this.jobs.length = 0;
        this.head = 0;
      } else if (this.head > 1024 && this.head * 2 > this.jobs.length) {
        this.jobs.splice(0, this.head);
        this.head = 0;
      }
      started++;
      this.running++;
      const pending = this.run(job);
      if (pending !== null && typeof pending === 'object' && typeof (pending as Promise<unknown>).then === 'function') {
        (pending as Promise<unknown>).then(this.finished, this.finished);
      } else {
        this.running--;
      }
    }
    if (this.queued > 0) this.schedule();
    else this.settleIdle();
  };

  private readonly finished = (): void => {
    this.running--;
    if (this.queued > 0) this.schedule();
    else this.settleIdle();
  };

  private settleIdle(): void {
    if (this.queued > 0 || this.running > 0 || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
