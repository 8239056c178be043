import type { DriftScoreName, FeatureDriftReport } from '@modelsight/drift';

/** Marks a JSON document as a drift report of this package. */
export const REPORT_FORMAT = 'modelsight.report';
/** The report format version this package writes. */
export const REPORT_FORMAT_VERSION = 1;

/** One bin of a feature: reference and current shares side by side. */
export interface ReportBin {
  /** Short label for charts: `< 4.3`, `4.3 – 5.1`, `≥ 7.9`, a category, `other`. */
  readonly label: string;
  /** Exact description, as `DriftMonitor.report()` gives it: `[4.3, 5.1)`. */
  readonly description: string;
  /** Share of the reference values. */
  readonly reference: number;
  /** Share of the current values (0 when there are none). */
  readonly current: number;
  /** Current values in the bin. */
  readonly count: number;
}

/**
 * Data quality of a feature against its reference: shares of missing values and of values of the wrong
 * type among the values given, and whether one rose above the reference's by more than the limit.
 */
export interface FeatureDataQuality {
  readonly missingShare: number;
  readonly invalidShare: number;
  readonly referenceMissingShare: number;
  readonly referenceInvalidShare: number;
  /** A share rose above the reference's by more than `settings.maxMissingIncrease`. */
  readonly degraded: boolean;
  /** Which shares rose: `missing`, `invalid`. */
  readonly degradedBy: readonly ('missing' | 'invalid')[];
}

/** What the profile says of a feature's reference data. */
export interface ReferenceSummary {
  readonly count: number;
  readonly missingRate: number;
  readonly mean?: number;
  readonly std?: number;
  readonly min?: number;
  readonly max?: number;
  /** Categorical: the categories kept by the profile (the rest is `other`). */
  readonly categories?: number;
}

/**
 * One feature of the report: its scores, its drift decision, its data quality and its bins; the
 * fields it shares with `DriftMonitor.report()` mean the same (with `--metrics`, `driftedBy` is
 * empty: the service exports its decision, not its cause).
 */
export interface ReportFeature
  extends Pick<
    FeatureDriftReport,
    'name' | 'type' | 'role' | 'ready' | 'scores' | 'drifted' | 'driftedBy' | 'missing' | 'invalid'
  > {
  /** Whether the current data has this feature at all (a column, or series on `/metrics`). */
  readonly present: boolean;
  /** Values the scores are computed on (the window of `DriftMonitor`). */
  readonly samples: number;
  readonly bins: readonly ReportBin[];
  readonly reference: ReferenceSummary;
  /**
   * From `/metrics` only: scores of every value counted since the service started (its bin
   * counters), beside the scores of the service's window in `scores`.
   */
  readonly sinceStart?: Partial<Record<DriftScoreName, number>>;
  /** Data quality against the reference; absent when the feature got no values. */
  readonly dataQuality?: FeatureDataQuality;
}

/** Accuracy of the predictions against the labels given with the current data, or as a service reports it. */
export interface ReportQuality {
  /** Rows (or feedback) with both a prediction and a label. */
  readonly labelled?: number;
  readonly correct?: number;
  readonly accuracy?: number;
  /** From `/metrics`: `ml_model_estimated_accuracy` (mean confidence). */
  readonly estimatedAccuracy?: number;
  /** From `/metrics`: predictions by status. */
  readonly predictions?: { readonly ok: number; readonly error: number };
  /** From `/metrics`: mean absolute error and root mean squared error (regression). */
  readonly mae?: number;
  readonly rmse?: number;
  /**
   * From Prometheus: each declared business outcome (`ml_outcome_total`, `ml_outcome_value_sum`):
   * the predictions that got it and the sum of its values.
   */
  readonly outcomes?: readonly { readonly name: string; readonly predictions: number; readonly value: number }[];
  /** From `/metrics`: precision, recall and F1 per class and `macro`. */
  readonly classes?: readonly {
    readonly label: string;
    readonly precision?: number;
    readonly recall?: number;
    readonly f1?: number;
  }[];
}

/** Where the current data of a report comes from. */
export type ReportSource =
  | { readonly kind: 'data'; readonly profile: string; readonly current: string; readonly rows: number }
  | {
      readonly kind: 'metrics';
      readonly profile: string;
      readonly url: string;
      readonly model: string;
      readonly version: string;
    }
  | {
      readonly kind: 'prometheus';
      readonly profile: string;
      /** The Prometheus server the fleet's series were read from. */
      readonly url: string;
      readonly model: string;
      readonly version: string;
      /** Replicas whose series Prometheus holds for this version. */
      readonly replicas: number;
      /** The PromQL range counted over (`1h`); absent: the counters of each replica since it started. */
      readonly range?: string;
    };

/** A drift report as data: what the HTML report shows, and what `--out report.json` writes. */
export interface ReportDocument {
  readonly format: typeof REPORT_FORMAT;
  readonly formatVersion: typeof REPORT_FORMAT_VERSION;
  readonly title: string;
  /** ISO 8601. */
  readonly generatedAt: string;
  readonly source: ReportSource;
  /** The drift settings the decisions were made under. */
  readonly settings: {
    readonly minSamples?: number;
    readonly thresholds: Partial<Record<DriftScoreName, number>>;
    /** Largest rise of a feature's missing or invalid share above the reference's before it is marked. */
    readonly maxMissingIncrease?: number;
  };
  readonly drifted: boolean;
  /** A feature's missing or invalid share rose above the reference's by more than `settings.maxMissingIncrease`. */
  readonly dataQualityDegraded?: boolean;
  /** Drifted first, then by PSI, highest first; features without scores last. */
  readonly features: readonly ReportFeature[];
  readonly quality?: ReportQuality;
  /** Things the reader should know: features absent from the data, a profile that differs from the service's, ... */
  readonly warnings: readonly string[];
}
