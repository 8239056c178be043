/** Help of `modelsight` itself. */
export const MAIN_HELP = `Usage: modelsight <command> [options]

Reference profiles and drift reports for machine-learning models.

Commands:
  profile build DATA --out profile.json     build a reference profile from training data
  profile merge PROFILE... --out profile.json
                                            merge profiles built from partitions of the data
  report --profile profile.json --current DATA --out report.html
                                            compare current data with the profile
  report --profile profile.json --metrics URL --out report.html
                                            report on a running service from its /metrics
  report --profile profile.json --prometheus URL --model NAME --out report.html
                                            report on every replica of a model from Prometheus
  respond --config responses.yaml           run actions on Alertmanager's alerts

Options:
  -h, --help      show help (also after any command: modelsight report --help)
  -v, --version   show the version

Exit codes: 0 done, 2 bad input or options (one line on stderr, nothing written),
3 drift or degraded data quality found with --fail-on-drift (the report is written),
4 too little data scored with --fail-on-drift, no drift found (the report is written), 1 unexpected failure.
`;

/** Help of `modelsight profile`. */
export const PROFILE_HELP = `Usage: modelsight profile <subcommand> [options]

Subcommands:
  build DATA --out profile.json   build a reference profile from a data file
  merge PROFILE... --out profile.json
                                  merge profiles built from partitions of the data

Run "modelsight profile build --help" for its options.
`;

const DATA_OPTIONS = `Reading DATA (a file, or - for standard input; .gz files are decompressed):
  --format csv|jsonl|json|parquet
                              default: from the file name (.csv .tsv .jsonl .ndjson .json .parquet)
  --delimiter CHAR            CSV field separator; default , (tab for .tsv); "tab" for a tab
  --missing-values LIST       CSV cells read as missing, comma-separated;
                              default: ,NA,N/A,NaN,nan,null,NULL,None (the empty cell first)
  --prediction-label COLUMN   the model's predicted label; default: a column named prediction.label
  --prediction-confidence COLUMN
                              the model's confidence; default: a column named prediction.confidence
  --label COLUMN              the true label (ground truth)`;

/** Help of `modelsight profile build`. */
export const PROFILE_BUILD_HELP = `Usage: modelsight profile build DATA --out profile.json [options]

Builds the reference profile of DATA (training or validation data) with buildProfile of
@modelsight/drift: per numeric feature quantile bins, summary statistics and a sample; per
categorical feature the most frequent categories. Load it in the service with loadProfile()
and give it to DriftMonitor. CSV and JSON Lines are streamed: the file is never held in memory,
only its values (8 bytes per number, 4 per category).

Types are inferred: a column is numeric when every present value is a number, categorical when
none is; a column that mixes numbers and text is refused (give --type to read it either way).
The prediction outputs, when present, become the features prediction.label (categorical) and
prediction.confidence (numeric), which DriftMonitor watches as prediction drift.

  --out FILE                  where to write the profile (JSON); - for standard output. Required.
${DATA_OPTIONS} (left out of the profile)
  --features LIST             only these columns become features (comma-separated)
  --ignore LIST               columns to leave out (comma-separated)
  --type COLUMN=TYPE          numeric or categorical; repeat, or separate with commas
  --bins N                    quantile bins per numeric feature (default 10)
  --edges COLUMN=E1,E2,...    exact bin edges for a numeric feature; repeat per feature
  --engine stream|duckdb      stream: this process reads the file and holds its values (the default);
                              duckdb: DuckDB reads it out of core on every core, for files whose
                              values do not fit in memory (npm install @duckdb/node-api); the same
                              profile. A .parquet file is read with duckdb.
  --top-k N                   categories kept per categorical feature (default 20, at most 1000)
  --sample-size N             sample kept per numeric feature for KS and Wasserstein (default 1000)
  -q, --quiet                 no progress and no summary line
  -h, --help                  show this help

A progress bar is drawn on stderr when it is a terminal.

Example:
  modelsight profile build train.csv --label species --out model/profile.json
`;

/** Help of `modelsight report`. */
export const REPORT_HELP = `Usage: modelsight report --profile profile.json (--current DATA | --metrics URL | --prometheus URL --model NAME)
                         --out report.html [options]

Compares current data with a reference profile and writes one self-contained HTML page (or, for
an --out file ending in .json, the same report as JSON): a summary table sorted by drift, then
per feature the reference and current distributions side by side with PSI, KS statistic and
p-value, Wasserstein, Jensen-Shannon and chi-square p-value, the drift decision, missing and
invalid counts; prediction drift; accuracy when labels are given. Every number comes from
@modelsight/drift, with the defaults of DriftMonitor.

  --profile FILE              the reference profile (from profile build or saveProfile). Required.
  --current DATA              current data: a file in the formats of profile build
  --metrics URL               a running service's Prometheus endpoint (http://host:9464/metrics),
                              or a file holding one scrape of it
  --prometheus URL            a Prometheus server that scrapes every replica (http://prometheus:9090):
                              their bin counters summed, as if one monitor had seen all their values
  --range DURATION            with --prometheus: what the fleet counted over that range (1h, 7d);
                              default: the counters of each replica since it started (exact counts)
  --out FILE                  where to write the report (.html or .json); - for standard output. Required.
${DATA_OPTIONS}; with the predicted label, gives the accuracy
  --model NAME                with --metrics: the model to report on, when /metrics has several;
                              with --prometheus (required): the model whose replicas to report on
  --model-version VERSION     its version (with --prometheus: needed when Prometheus holds several)
  --min-samples N             no scores with fewer values (default 100; env MODELSIGHT_DRIFT_MIN_SAMPLES)
  --threshold SCORE=VALUE     drift threshold: psi, ks, wasserstein, jensen_shannon (flag at or
                              above), ks_p_value, chi2 (flag below); "off" turns one off. Default
                              psi=0.2 (env MODELSIGHT_DRIFT_PSI_THRESHOLD). With --current and
                              --prometheus (psi, jensen_shannon, chi2: the scores of bin counts).
  --title TEXT                the report's title
  --max-missing-increase S    mark a feature whose share of missing (or wrong-type) values exceeds
                              the reference's by more than S (default 0.02, 2 points; env
                              MODELSIGHT_MAX_MISSING_INCREASE)
  --fail-on-drift             exit with code 3 when a feature drifted or was marked for its
                              missing values, 4 when none was but a feature was not scored
                              (fewer values than --min-samples, or absent)
  -q, --quiet                 no progress and no summary line
  -h, --help                  show this help

With --metrics the drift decisions and window scores are the service's own (ml_drift_detected,
ml_drift_score); the bars and the "since start" scores come from its bin counters
(ml_drift_bin_total against ml_drift_reference_ratio).

With --prometheus the bin counters of every replica of the version are summed in PromQL and scored
here: PSI, Jensen-Shannon and chi-square p-value (KS and Wasserstein need the values themselves);
predictions, feedback accuracy (ml_feedback_total) and business outcomes (ml_outcome_total) of the
fleet are summed the same way.

Examples:
  modelsight report --profile model/profile.json --current today.jsonl --label species --out drift.html
  modelsight report --profile model/profile.json --metrics http://localhost:9464/metrics --out drift.html
  modelsight report --profile model/profile.json --prometheus http://prometheus:9090 --model iris --range 1h --out fleet.html
`;

/** Help of `modelsight profile merge`. */
export const PROFILE_MERGE_HELP = `Usage: modelsight profile merge PROFILE... --out profile.json [options]

Merges profiles built from partitions of the same data (files profiled apart, on several machines)
into the profile of all their rows. Exact: rows, counts, missing and invalid counts, minimum,
maximum, mean and standard deviation, the bin shares of a numeric feature whose partitions have
the same edges (build them with the same --edges), and the categories every partition kept.
Estimated, and said on stderr: the edges and bin shares of a numeric feature whose partitions have
different edges (from their samples), and the count of a kept category that some partition
lumped into its other categories (build the partitions with a larger --top-k).
With the DuckDB engine, "profile build 'data/part-*.parquet' --engine duckdb" profiles every
partition together, exactly.

  --out FILE                  where to write the profile (JSON); - for standard output. Required.
  --bins N                    quantile bins where partitions' edges differ (default 10)
  --sample-size N             sample kept per numeric feature (default 1000)
  -q, --quiet                 no summary line
  -h, --help                  show this help
`;

/** Help of `modelsight respond`. */
export const RESPOND_HELP = `Usage: modelsight respond --config responses.yaml [--check]

Receives Alertmanager's webhook notifications and runs the actions the config maps alerts to:
a command (an argument list, never a shell), an HTTP request to a service (a rollback endpoint),
or a POST of the alert group to a pipeline. An action runs once per alert group until the group
resolves or the action's cooldown passes, and is stopped after its timeout. One JSON line per
action on stdout: what fired, what ran, the result (succeeded, failed, timed_out, deduplicated,
cooled_down, rejected) and the duration. Counters on GET /metrics.

Requests must carry the bearer token of the config (token.env or token.file); without it the
answer is 401 and nothing runs. Listens on 127.0.0.1:9095 unless listen.host and listen.port say
otherwise. Label values reach an action only as whole values, for labels of the config's allow-list
whose pattern they match.

  --config FILE               the responses (YAML); checked at start. Required.
  --check                     check the config (and read the token) and exit: 0 when it is valid
  -h, --help                  show this help

See the README of @modelsight/cli for a complete config.
`;
