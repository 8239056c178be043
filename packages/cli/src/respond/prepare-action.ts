import type { RunOutcome } from './action-outcome';
import type { AlertmanagerNotification } from './alertmanager-notification';
import { refuseLabel, resolveBody, resolveValue } from './label-template';
import type { ActionConfig } from './responses-config';
import { runCommand } from './run-command';
import { runHttp } from './run-http';

/** An action with its values filled in: what the audit line shows, and how to run it. */
export interface PreparedRun {
  readonly shown: Readonly<Record<string, unknown>>;
  execute(): Promise<RunOutcome>;
}

/** The allow-listed labels of the group whose values pass their pattern: what a pipeline receives. */
function allowedLabels(
  labels: Readonly<Record<string, string>>,
  patterns: ReadonlyMap<string, RegExp>,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const name of patterns.keys()) {
    const value = Object.hasOwn(labels, name) ? labels[name] : undefined;
    if (value !== undefined && refuseLabel(name, value, patterns) === undefined) result[name] = value;
  }
  return result;
}

/**
 * Fills the action's values from the group's common labels. Throws RefusedLabelError when a label
 * it uses is missing or refused: then nothing runs.
 */
export function prepareAction(
  action: ActionConfig,
  notification: AlertmanagerNotification,
  patterns: ReadonlyMap<string, RegExp>,
  commandEnv: NodeJS.ProcessEnv,
): PreparedRun {
  const labels = notification.commonLabels;
  const { run, timeoutMs } = action;
  if (run.kind === 'command') {
    const argv = run.argv.map((template) => resolveValue(template, labels, patterns));
    return { shown: { argv }, execute: () => runCommand(argv, timeoutMs, commandEnv) };
  }
  const body =
    run.kind === 'pipeline'
      ? {
          action: action.name,
          receiver: notification.receiver,
          status: notification.status,
          groupKey: notification.groupKey,
          alerts: notification.alerts.length,
          labels: allowedLabels(labels, patterns),
        }
      : run.body === undefined
        ? undefined
        : resolveBody(run.body, labels, patterns);
  const text = body === undefined ? undefined : JSON.stringify(body);
  return {
    // Headers stay out of the audit line: they may carry the service's credentials.
    shown: { method: run.method, url: run.url.href, ...(body === undefined ? {} : { body }) },
    execute: () => runHttp(run.method, run.url, run.headers, text, timeoutMs),
  };
}
