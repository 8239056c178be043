import { ACTION_RESULTS, type ActionResult } from './action-outcome';

/** Status codes the responder answers webhook requests with. */
const REQUEST_CODES = ['200', '400', '401', '405', '413'] as const;
type RequestCode = (typeof REQUEST_CODES)[number];

/**
 * The responder's own counters in the Prometheus text format: actions by action and result,
 * requests by status code. Every series exists from the start at 0, so rate() and increase()
 * see the first event. Labels are the config's action names and fixed words: bounded.
 */
export class ResponderMetrics {
  private readonly actions = new Map<string, Map<ActionResult, number>>();
  private readonly requests = new Map<RequestCode, number>(REQUEST_CODES.map((code) => [code, 0]));
  private readonly notifications = new Map<'firing' | 'resolved', number>([
    ['firing', 0],
    ['resolved', 0],
  ]);

  constructor(actionNames: Iterable<string>) {
    for (const name of actionNames) this.actions.set(name, new Map(ACTION_RESULTS.map((result) => [result, 0])));
  }

  /** Counts one result of `action`. */
  action(action: string, result: ActionResult): void {
    const counts = this.actions.get(action);
    if (counts) counts.set(result, (counts.get(result) ?? 0) + 1);
  }

  /** Counts one webhook request answered with `code`. */
  request(code: number): void {
    const key = String(code) as RequestCode;
    if (this.requests.has(key)) this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
  }

  /** Counts one accepted notification of an alert group that fires or resolved. */
  notification(status: 'firing' | 'resolved'): void {
    this.notifications.set(status, (this.notifications.get(status) ?? 0) + 1);
  }

  /** The exposition text. */
  text(): string {
    const lines = [
      '# HELP modelsight_responder_actions_total Actions of modelsight respond by result.',
      '# TYPE modelsight_responder_actions_total counter',
    ];
    for (const [action, counts] of this.actions)
      for (const [result, count] of counts)
        lines.push(`modelsight_responder_actions_total{action="${action}",result="${result}"} ${count}`);
    lines.push(
      '# HELP modelsight_responder_requests_total Webhook requests of modelsight respond by status code.',
      '# TYPE modelsight_responder_requests_total counter',
    );
    for (const [code, count] of this.requests)
      lines.push(`modelsight_responder_requests_total{code="${code}"} ${count}`);
    lines.push(
      '# HELP modelsight_responder_notifications_total Alertmanager notifications accepted by modelsight respond, by group status.',
      '# TYPE modelsight_responder_notifications_total counter',
    );
    for (const [status, count] of this.notifications)
      lines.push(`modelsight_responder_notifications_total{status="${status}"} ${count}`);
    return `${lines.join('\n')}\n`;
  }
}
