/**
 * The body Alertmanager posts to a webhook receiver, version 4
 * (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config). One notification
 * is one alert group: `groupKey` names the group, `commonLabels` are the labels all its alerts share.
 */
export interface AlertmanagerNotification {
  readonly version: '4';
  readonly groupKey: string;
  readonly status: 'firing' | 'resolved';
  readonly receiver: string;
  readonly groupLabels: Readonly<Record<string, string>>;
  readonly commonLabels: Readonly<Record<string, string>>;
  readonly commonAnnotations: Readonly<Record<string, string>>;
  readonly alerts: readonly {
    readonly status: 'firing' | 'resolved';
    readonly labels: Readonly<Record<string, string>>;
  }[];
}

const isStatus = (value: unknown): value is 'firing' | 'resolved' => value === 'firing' || value === 'resolved';

function isLabelSet(value: unknown): value is Record<string, string> {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    Object.values(value).every((item) => typeof item === 'string')
  );
}

/** The notification in `body`, or the reason it is not one. */
export function readNotification(body: string): AlertmanagerNotification | { error: string } {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return { error: 'the body is not JSON' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { error: 'the body is not an object' };
  if (value['version'] !== '4') return { error: `version must be "4", got ${JSON.stringify(value['version'])}` };
  if (typeof value['groupKey'] !== 'string' || value['groupKey'] === '') return { error: 'groupKey must be a string' };
  if (!isStatus(value['status'])) return { error: 'status must be "firing" or "resolved"' };
  if (typeof value['receiver'] !== 'string') return { error: 'receiver must be a string' };
  for (const key of ['groupLabels', 'commonLabels', 'commonAnnotations']) {
    if (!isLabelSet(value[key])) return { error: `${key} must be an object of strings` };
  }
  const alerts = value['alerts'];
  if (!Array.isArray(alerts) || alerts.length === 0) return { error: 'alerts must be a non-empty list' };
  for (const alert of alerts) {
    if (alert === null || typeof alert !== 'object' || !isStatus(alert.status) || !isLabelSet(alert.labels))
      return { error: 'every alert must have a status and labels' };
  }
  return value as unknown as AlertmanagerNotification;
}
