/** Whether an action runs for an alert group now, or why not. */
export type GateDecision = 'run' | 'deduplicated' | 'cooled_down';

interface LastRun {
  readonly at: number;
  readonly until: number;
  resolved: boolean;
}

/**
 * Deduplication per alert group and cooldown per action. Alertmanager repeats a firing group's
 * notification (repeat_interval, and at every change in the group): its action runs once, then
 * not again for that group until the cooldown has passed. A group that resolved and fires again
 * within the cooldown does not run it either (a flapping alert would otherwise restart a
 * retraining at each flap): that is `cooled_down`, while a repeat of a group that kept firing is
 * `deduplicated`.
 */
export class ActionGate {
  private readonly runs = new Map<string, LastRun>();

  /** Decides for `action` and the group `groupKey` at `now`; a `run` is remembered at once. */
  decide(action: string, groupKey: string, cooldownMs: number, now: number): GateDecision {
    this.prune(now);
    const key = `${action}\u0000${groupKey}`;
    const last = this.runs.get(key);
    if (last !== undefined && now < last.until) return last.resolved ? 'cooled_down' : 'deduplicated';
    this.runs.set(key, { at: now, until: now + cooldownMs, resolved: false });
    return 'run';
  }

  /** The group `groupKey` resolved: its next firing is a new one (still subject to the cooldown). */
  resolve(groupKey: string): void {
    const suffix = `\u0000${groupKey}`;
    for (const [key, last] of this.runs) if (key.endsWith(suffix)) last.resolved = true;
  }

  /** Forgets runs whose cooldown has passed, so memory follows the groups of the last cooldown. */
  private prune(now: number): void {
    for (const [key, last] of this.runs) if (now >= last.until) this.runs.delete(key);
  }
}
