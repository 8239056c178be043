import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { modelsight } from './support/modelsight-cli';
import { runTool } from './support/promtool';

// Docker cannot run here: the stack's files are checked with the real tools that
// will read them (promtool, amtool) and against each other (ports, paths, uids).

const stack = resolve(__dirname, '../examples/stack');
const read = (path: string) => readFileSync(join(stack, path), 'utf8');
const yamlFile = (path: string) => parse(read(path)) as Record<string, any>;

const compose = yamlFile('compose.yaml');
const services = compose['services'] as Record<string, any>;
const alertRules = yamlFile('prometheus/rules/modelsight-alerts.rules.yml');
const alerts = (alertRules['groups'] as any[]).flatMap((group) => group.rules as any[]);
/** The fleet PSI rules shipped with @modelsight/drift: their one source. */
const driftRules = resolve(__dirname, '../packages/drift/prometheus/fleet-psi.rules.yml');
const recordsOf = (file: string) =>
  (parse(readFileSync(file, 'utf8')).groups as any[])
    .flatMap((group) => group.rules as any[])
    .flatMap((rule) => rule.record ?? []) as string[];

/** The rule files compose.yaml mounts in the Prometheus container: container path -> repository path. */
const RULE_DIR = '/etc/prometheus/rules/';
const mountedRules = new Map(
  (services['prometheus'].volumes as string[])
    .map((volume) => volume.split(':'))
    .filter(([, target]) => target!.startsWith(RULE_DIR))
    .map(([source, target]): [string, string] => [target!, resolve(stack, source!)]),
);
/** A rule_files pattern as Prometheus matches it (filepath.Glob; `*` stays within a directory). */
const globToRegExp = (glob: string) =>
  new RegExp(
    `^${glob
      .split('*')
      .map((part) => part.replace(/[.?+^$()[\]{}|\\]/g, '\\$&'))
      .join('[^/]*')}$`,
  );
const dashboard = JSON.parse(read('grafana/dashboards/modelsight-model-service.json'));
const datasources = yamlFile('grafana/provisioning/datasources/datasources.yml');

const temp = mkdtempSync(join(tmpdir(), 'modelsight-stack-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('compose file', () => {
  it('pins every image to a version tag', () => {
    const images = Object.entries(services)
      .filter(([, service]) => service.image && !service.build)
      .map(([name, service]) => [name, service.image as string]);
    expect(images.map(([name]) => name).sort()).toEqual(
      ['alertmanager', 'grafana', 'jaeger', 'prometheus', 'redis', 'responder-token', 'traffic'].sort(),
    );
    for (const [name, image] of images) {
      expect(image, name).toMatch(/^[a-z0-9./-]+:v?\d+\.\d+\.\d+[a-z0-9.-]*$/);
    }
  });

  it('mounts only files that exist in the repository, and named volumes it declares', () => {
    const all = Object.values(services).flatMap((service) => (service.volumes ?? []) as string[]);
    const named = all.filter((mount) => !/^[./]/.test(mount));
    for (const mount of named) expect(Object.keys(compose['volumes'] ?? {}), mount).toContain(mount.split(':')[0]);
    const mounts = all.filter((mount) => !named.includes(mount));
    expect(mounts.length).toBeGreaterThan(5);
    for (const mount of mounts) {
      const source = mount.split(':')[0]!;
      expect(existsSync(join(stack, source)), mount).toBe(true);
    }
  });

  it('runs the iris service under the preload, exporting traces to Jaeger over OTLP/HTTP', () => {
    const iris = services['iris-service'];
    const dockerfile = read(iris.build.dockerfile.replace('examples/stack/', ''));
    expect(dockerfile).toMatch(/CMD \["node", "--require", "@modelsight\/node\/register", "dist\/server.cjs"\]/);
    expect(iris.environment.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://jaeger:4318');
    expect(iris.environment.OTEL_TRACES_EXPORTER).toBe('otlp');
    expect(services['jaeger'].environment.COLLECTOR_OTLP_ENABLED).toBe('true');
    expect(services['jaeger'].ports).toContain('4318:4318');
  });

  it('has Prometheus scrape every iris replica on the port the preload serves /metrics on', () => {
    const prometheus = yamlFile('prometheus/prometheus.yml');
    const job = (prometheus['scrape_configs'] as any[]).find((config) => config.job_name === 'iris-service');
    expect(job.dns_sd_configs[0].names).toEqual(['iris-service']);
    expect(String(job.dns_sd_configs[0].port)).toBe(services['iris-service'].environment.OTEL_EXPORTER_PROMETHEUS_PORT);
    expect(services['iris-service'].environment.OTEL_EXPORTER_PROMETHEUS_HOST).toBe('0.0.0.0');
    // The image too: /metrics listens on localhost by default, out of Prometheus's reach in its container.
    const dockerfile = read(services['iris-service'].build.dockerfile.replace('examples/stack/', ''));
    expect(dockerfile).toMatch(/^ENV OTEL_EXPORTER_PROMETHEUS_HOST=0\.0\.0\.0$/m);
    expect(prometheus['alerting'].alertmanagers[0].static_configs[0].targets).toEqual(['alertmanager:9093']);
  });
});

describe('Prometheus config and rules', () => {
  it('passes promtool check config, with the rule directory laid out as compose.yaml mounts it', async () => {
    // The container's rule directory rebuilt from the compose mounts, so the config's
    // rule_files glob is checked against exactly the files the container would see.
    const ruleDir = join(temp, 'rules');
    for (const [target, source] of mountedRules) {
      mkdirSync(join(ruleDir, dirname(target.slice(RULE_DIR.length))), { recursive: true });
      copyFileSync(source, join(ruleDir, target.slice(RULE_DIR.length)));
    }
    const config = read('prometheus/prometheus.yml').replaceAll(RULE_DIR, `${ruleDir}/`);
    const path = join(temp, 'prometheus.yml');
    writeFileSync(path, config);
    const run = await runTool('promtool', ['check', 'config', path]);
    expect(run.code, run.output).toBe(0);
    for (const target of mountedRules.keys())
      expect(run.output).toContain(`${ruleDir}/${target.slice(RULE_DIR.length)}`);
    expect(run.output).toMatch(/fleet-psi\.rules\.yml\s+SUCCESS: 5 rules found/);
    expect(run.output).not.toMatch(/FAILED/);
  });

  it('has rule files that pass promtool check rules', async () => {
    const files = readdirSync(join(stack, 'prometheus/rules')).map((file) => join(stack, 'prometheus/rules', file));
    expect(files).toHaveLength(2);
    const run = await runTool('promtool', ['check', 'rules', ...files, driftRules]);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/modelsight-recording\.rules\.yml\s+SUCCESS: 18 rules found/);
    expect(run.output).toMatch(/modelsight-alerts\.rules\.yml\s+SUCCESS: 14 rules found/);
    expect(run.output).toMatch(/SUCCESS: 5 rules found/); // fleet PSI
  });

  it('mounts every rule file of the stack, and the fleet PSI rules of @modelsight/drift, in the rule directory', () => {
    const sources = [...mountedRules.values()];
    const own = readdirSync(join(stack, 'prometheus/rules')).map((file) => join(stack, 'prometheus/rules', file));
    expect(sources.sort()).toEqual([...own, driftRules].sort());
    // Each lands under a distinct name the config's rule_files glob matches.
    const globs = (yamlFile('prometheus/prometheus.yml')['rule_files'] as string[]).map(globToRegExp);
    const targets = [...mountedRules.keys()];
    expect(new Set(targets.map((target) => basename(target))).size).toBe(targets.length);
    for (const target of targets)
      expect(
        globs.some((glob) => glob.test(target)),
        target,
      ).toBe(true);
  });

  it('records the fleet PSI only in the rules shipped with @modelsight/drift', () => {
    const fleet = recordsOf(driftRules);
    expect(fleet).toContain('ml_feature:ml_drift_psi:fleet1h');
    const own = readdirSync(join(stack, 'prometheus/rules')).map((file) => join(stack, 'prometheus/rules', file));
    for (const source of new Set([...mountedRules.values(), ...own])) {
      if (source === driftRules) continue;
      expect(
        recordsOf(source).filter((record) => fleet.includes(record)),
        source,
      ).toEqual([]);
      expect(readFileSync(source, 'utf8'), source).not.toMatch(/record:\s*ml_feature:ml_drift_psi:fleet1h/);
    }
  });

  it('passes its rule unit tests with promtool test rules', async () => {
    const dir = join(stack, 'prometheus/tests');
    const files = readdirSync(dir).filter((file) => file.endsWith('.test.yml'));
    expect(files.sort()).toEqual(['alerts.test.yml', 'recording.test.yml']);
    const run = await runTool('promtool', ['test', 'rules', ...files], { cwd: dir });
    expect(run.code, run.output).toBe(0);
    expect(run.output.match(/SUCCESS/g)).toHaveLength(2);
  });

  it('runs its rule unit tests on the rule files the stack mounts, the fleet PSI rules of @modelsight/drift included', () => {
    const dir = join(stack, 'prometheus/tests');
    for (const file of ['alerts.test.yml', 'recording.test.yml']) {
      const loaded = (parse(readFileSync(join(dir, file), 'utf8')).rule_files as string[]).map((path) =>
        resolve(dir, path),
      );
      expect(loaded, file).toContain(driftRules);
      for (const path of loaded) expect([...mountedRules.values()], `${file}: ${path}`).toContain(path);
    }
  });

  it('gives every alert a severity, a summary and a description', () => {
    expect(alerts.length).toBeGreaterThanOrEqual(10);
    for (const alert of alerts) {
      expect(['warning', 'critical'], alert.alert).toContain(alert.labels?.severity);
      expect(alert.annotations?.summary, alert.alert).toBeTruthy();
      expect(alert.annotations?.description, alert.alert).toBeTruthy();
    }
  });

  it('covers the alerts the stack promises', () => {
    const exprOf = (name: string) => alerts.find((alert) => alert.alert === name)?.expr as string;
    expect(exprOf('ModelPredictionLatencyHigh')).toContain('p95');
    expect(exprOf('HttpServerLatencyHigh')).toContain('p95');
    expect(exprOf('HttpServerErrorRateHigh')).toContain('> 0.05');
    expect(exprOf('ModelPredictionErrorRateHigh')).toContain('> 0.05');
    expect(exprOf('ModelNoTraffic')).toContain('== 0');
    expect(exprOf('ModelFeatureDriftDetected')).toContain('ml_drift_detected');
    expect(exprOf('ModelFleetDriftHigh')).toContain('ml_feature:ml_drift_psi:fleet1h');
    expect(exprOf('ModelLowConfidenceShareHigh')).toContain('low_confidence');
    expect(exprOf('ModelMissingValuesHigh')).toContain('> 0.02');
    expect(exprOf('ModelAccuracyLow')).toContain('ml_model_accuracy');
    expect(exprOf('TelemetryOverflow')).toContain('otel_metric_overflow="true"');
    expect(exprOf('ModelFeedbackLostShareHigh')).toBe('job:ml_feedback_lost:ratio_rate15m > 0.1');
    expect(exprOf('ModelVersionOutcomeRateLow')).toContain('ml_model:ml_outcome:ratio_rate1h');
    expect(exprOf('ModelVersionOutcomeRateLow')).toContain('ml_model:ml_predictions_ok:increase1h >= 1000');
    expect(exprOf('ModelFeatureDriftShareHigh')).toBe('ml_model:ml_drift_detected_features:ratio >= 0.3');
  });

  it('runs the iris replicas on the Redis service, so feedback joins on any replica', () => {
    const iris = services['iris-service'];
    expect(iris.environment.MODELSIGHT_FEEDBACK_STORE).toBe('redis');
    expect(iris.environment.MODELSIGHT_REDIS_URL).toBe('redis://redis:6379');
    expect(iris.depends_on).toContain('redis');
    expect(services['redis'].command).toEqual(expect.arrayContaining(['--maxmemory-policy', 'noeviction']));
  });

  it('has a unit test where each alert fires and one where it stays silent', () => {
    const tests = (parse(read('prometheus/tests/alerts.test.yml')).tests as any[]).flatMap(
      (test) => (test.alert_rule_test ?? []) as any[],
    );
    for (const alert of alerts) {
      const cases = tests.filter((test) => test.alertname === alert.alert);
      expect(
        cases.some((test) => (test.exp_alerts ?? []).length > 0),
        `${alert.alert} fires`,
      ).toBe(true);
      expect(
        cases.some((test) => (test.exp_alerts ?? []).length === 0),
        `${alert.alert} stays silent`,
      ).toBe(true);
    }
  });
});

describe('Alertmanager config', () => {
  const config = join(stack, 'alertmanager/alertmanager.yml');

  it('passes amtool check-config', async () => {
    const run = await runTool('amtool', ['check-config', config]);
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain('SUCCESS');
    expect(run.output).toContain('1 inhibit rules');
  });

  it('routes critical alerts and warnings to their own webhook receiver', async () => {
    const route = async (...labels: string[]) =>
      (await runTool('amtool', ['config', 'routes', 'test', `--config.file=${config}`, ...labels])).stdout.trim();
    expect(await route('severity=critical', 'alertname=ModelAccuracyLow')).toBe('webhook-critical');
    expect(await route('severity=warning', 'alertname=ModelFeatureDriftDetected')).toBe('webhook-warning');
  });

  it('sends notifications to the responder of the compose file, with the token file the responder reads', () => {
    const receivers = yamlFile('alertmanager/alertmanager.yml')['receivers'] as any[];
    const responses = yamlFile('responder/responses.yaml');
    const secrets = (services['alertmanager'].volumes as string[]).find((volume) =>
      volume.startsWith('responder-secrets:'),
    );
    expect(secrets).toBe('responder-secrets:/run/secrets:ro');
    expect(services['responder'].volumes).toContain(secrets);
    expect(services['responder-token'].volumes).toEqual(['responder-secrets:/run/secrets']);
    expect(services['responder-token'].command.join(' ')).toContain(responses.token.file);
    expect(receivers).toHaveLength(2);
    for (const receiver of receivers) {
      expect(receiver.webhook_configs[0].url).toMatch(new RegExp(`^http://responder:${responses.listen.port}/`));
      expect(receiver.webhook_configs[0].http_config.authorization).toEqual({
        type: 'Bearer',
        credentials_file: responses.token.file,
      });
    }
  });
});

describe('Responder config', () => {
  const responses = yamlFile('responder/responses.yaml');

  it('passes modelsight respond --check, with the token where the stack writes it', () => {
    const tokenFile = join(temp, 'responder-token');
    writeFileSync(tokenFile, 'a'.repeat(64));
    const config = join(temp, 'responses.yaml');
    writeFileSync(config, read('responder/responses.yaml').replace(responses.token.file, tokenFile));
    const run = modelsight(['respond', '--config', config, '--check'], temp);
    expect(run.stderr).toBe(`${config}: 1 actions, 1 routes: OK\n`);
  });

  it('runs the retraining script it mounts, on an alert the stack defines, with labels Alertmanager groups by', () => {
    const mounts = new Map(
      (services['responder'].volumes as string[]).map((volume) => [volume.split(':')[1], volume.split(':')[0]]),
    );
    expect(mounts.get('/etc/modelsight/responses.yaml')).toBe('./responder/responses.yaml');
    // The image runs the responder on the mounted config.
    const dockerfile = read(services['responder'].build.dockerfile.replace('examples/stack/', ''));
    expect(dockerfile).toMatch(
      /CMD \["node", "packages\/cli\/dist\/cli\.cjs", "respond", "--config", "\/etc\/modelsight\/responses\.yaml"\]/,
    );
    const retrain = responses.actions.retrain.command as string[];
    expect(mounts.get(retrain[1]!)).toBe('./responder/retrain.mjs');
    const groupBy = yamlFile('alertmanager/alertmanager.yml')['route'].group_by as string[];
    for (const arg of retrain) {
      const label = /^\{\{ labels\.(\w+) \}\}$/.exec(arg)?.[1];
      if (label) expect(groupBy, arg).toContain(label);
    }
    const routed = (responses.routes as any[]).map((route) => route.match.alertname);
    expect(routed).toEqual(['ModelFeatureDriftShareHigh']);
    for (const name of routed) expect(alerts.map((alert) => alert.alert)).toContain(name);
    expect(services['responder'].ports).toBeUndefined();
  });
});

describe('Grafana provisioning and dashboard', () => {
  it('provisions the Prometheus and Jaeger data sources at their compose addresses', () => {
    const byType = Object.fromEntries((datasources['datasources'] as any[]).map((source) => [source.type, source]));
    expect(byType['prometheus'].url).toBe('http://prometheus:9090');
    expect(byType['jaeger'].url).toBe('http://jaeger:16686');
    expect(services['prometheus'].ports).toContain('9090:9090');
    expect(services['jaeger'].ports).toContain('16686:16686');
  });

  it('loads dashboards from the directory the compose file mounts them in', () => {
    const providers = yamlFile('grafana/provisioning/dashboards/dashboards.yml')['providers'] as any[];
    const mount = (services['grafana'].volumes as string[]).find((volume) =>
      volume.startsWith('./grafana/dashboards:'),
    );
    expect(mount?.split(':')[1]).toBe(providers[0].options.path);
  });

  it('uses in every panel and query the datasource variable, whose default is the provisioned Prometheus', () => {
    const prometheus = (datasources['datasources'] as any[]).find((source) => source.type === 'prometheus');
    const variable = dashboard.templating.list.find((item: any) => item.name === 'datasource');
    expect(variable).toMatchObject({ type: 'datasource', query: 'prometheus', current: { value: prometheus.uid } });
    const panels = (dashboard.panels as any[]).filter((panel) => panel.type !== 'row');
    expect(panels.length).toBeGreaterThanOrEqual(15);
    for (const panel of panels) {
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets) {
        expect(target.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
        expect(target.expr, panel.title).toBeTruthy();
      }
    }
  });

  it('has model and version variables and the system, application, model and business outcome rows', () => {
    const variables = (dashboard.templating.list as any[]).map((item) => item.name);
    expect(variables).toEqual(expect.arrayContaining(['model', 'version']));
    const titles = (dashboard.panels as any[]).map((panel) => panel.title);
    expect(titles).toEqual([
      'System',
      'Process CPU',
      'Process memory',
      'Event-loop delay',
      'Application',
      'Request rate',
      'Error rate',
      'HTTP latency',
      'Prediction latency',
      'Model',
      'Predictions by version',
      'Confidence distribution',
      'Low-confidence share',
      'Accuracy and estimated accuracy',
      'Drift score per feature',
      'Features drifted',
      'Missing values',
      'Invalid values',
      'PSI across all replicas',
      'Business outcomes',
      'Outcome rate by version',
      'Outcome value per 1,000 predictions',
      'Outcomes not counted',
    ]);
    const ids = (dashboard.panels as any[]).map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('links slow predictions to their traces in Jaeger', () => {
    const latency = (dashboard.panels as any[]).find((panel) => panel.title === 'Prediction latency');
    const url = latency.fieldConfig.defaults.links[0].url as string;
    expect(url).toContain('/search?service=${service}&operation=predict%20${__field.labels.ml_model_name}');
    expect(url).toContain('minDuration=${__value.raw}s');
    expect(services['iris-service'].environment.OTEL_SERVICE_NAME).toBe(
      dashboard.templating.list.find((item: any) => item.name === 'service').query,
    );
  });
});
