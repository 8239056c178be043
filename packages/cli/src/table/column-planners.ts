import { DEFAULT_DRIFT_OPTIONS, type DriftProfile, type FeatureType } from '@modelsight/drift';
import type { ColumnPlan, ColumnPlanner } from './table';

/** Which columns of a data file play which part. */
export interface ColumnRoles {
  /** The true label (ground truth): never a feature; used for accuracy in reports. */
  readonly label?: string;
  /** The model's predicted label; default: a column named `prediction.label`. */
  readonly predictionLabel?: string;
  /** The model's confidence; default: a column named `prediction.confidence`. */
  readonly predictionConfidence?: string;
}

/** Options of `profile build` that choose and type the columns. */
export interface ProfileColumns extends ColumnRoles {
  /** Only these columns become features (besides the prediction outputs). */
  readonly features?: readonly string[];
  /** Columns left out. */
  readonly ignore?: readonly string[];
  /** Types that override inference, by column name. */
  readonly types?: Readonly<Record<string, FeatureType>>;
}

const OUTPUTS = DEFAULT_DRIFT_OPTIONS.outputs;

/**
 * The output a column feeds: the predicted label (always categorical) or the confidence (always
 * numeric), under the names `DriftMonitor` feeds them by default, so that a service watches them.
 */
function outputPlan(source: string, roles: ColumnRoles): ColumnPlan | undefined {
  if (source === (roles.predictionLabel ?? OUTPUTS.label)) {
    return { feature: OUTPUTS.label, type: 'categorical', typeFrom: 'the predicted label' };
  }
  if (source === (roles.predictionConfidence ?? OUTPUTS.confidence)) {
    return { feature: OUTPUTS.confidence, type: 'numeric', typeFrom: 'the confidence' };
  }
  return undefined;
}

/** Columns of a reference data file: features (typed as given, or inferred) and the prediction outputs; the label is left out. */
export function profilePlanner(options: ProfileColumns): ColumnPlanner {
  const only = options.features === undefined ? undefined : new Set(options.features);
  const ignore = new Set(options.ignore ?? []);
  return (source) => {
    if (source === options.label || ignore.has(source)) return undefined;
    const output = outputPlan(source, options);
    if (output !== undefined) return output;
    if (only !== undefined && !only.has(source)) return undefined;
    const type = options.types?.[source];
    return type === undefined ? { feature: source } : { feature: source, type, typeFrom: `--type ${source}=${type}` };
  };
}

/** Columns of current data for a report: the profile's features with the profile's types, the outputs and the label. */
export function reportPlanner(profile: DriftProfile, roles: ColumnRoles): ColumnPlanner {
  const types = new Map(profile.features.map((f) => [f.name, f.type]));
  return (source) => {
    const output = outputPlan(source, roles);
    if (output !== undefined) return output;
    const type = types.get(source);
    if (type !== undefined) return { feature: source, type, typeFrom: 'as in the profile' };
    if (source === roles.label) return { feature: source, type: 'categorical', typeFrom: 'the label' };
    return undefined;
  };
}
