import { DriftMonitor, type DriftProfile } from '@modelsight/drift';

/** Bin descriptions exactly as `DriftMonitor.report()` writes them, from a monitor that saw nothing. */
export function binDescriptions(profile: DriftProfile): Map<string, string[]> {
  const monitor = new DriftMonitor({
    model: { name: 'report', version: 'profile' },
    profile,
    windowSize: 1,
    minSamples: 1,
  });
  const descriptions = new Map(monitor.report().features.map((f) => [f.name, f.bins.map((b) => b.description)]));
  monitor.close();
  return descriptions;
}
