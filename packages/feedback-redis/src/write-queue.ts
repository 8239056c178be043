import type { PendingPrediction, PredictionSource } from '@modelsight/core';

/**
 * Predictions waiting in this process to be written to Redis, in arrival order, at most
 * `capacity` of them. Parallel arrays rather than an object per prediction: `push` runs on the
 * prediction path and copies a few fields; encoding waits for the batch, off the path.
 */
export class WriteQueue {
  readonly ids: string[] = [];
  readonly traceIds: Array<string | undefined> = [];
  readonly sources: PredictionSource[] = [];
  readonly regression: boolean[] = [];
  readonly labels: Array<string | undefined> = [];
  readonly values: number[] = [];
  readonly confidences: number[] = [];
  readonly times: number[] = [];
  readonly retains: number[] = [];
  /** Index of the oldest entry not yet taken. */
  head = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.ids.length - this.head;
  }

  /** Copies the prediction in; `false` (nothing copied) when the queue is full. */
  push(prediction: PendingPrediction, withTrace: boolean): boolean {
    if (this.ids.length - this.head >= this.capacity) return false;
    this.ids.push(prediction.id);
    this.traceIds.push(withTrace ? prediction.traceId : undefined);
    this.sources.push(prediction.source);
    this.regression.push(prediction.task === 'regression');
    this.labels.push(prediction.label);
    this.values.push(prediction.value ?? NaN);
    this.confidences.push(prediction.confidence ?? NaN);
    this.times.push(prediction.time);
    this.retains.push(prediction.retainMs);
    return true;
  }

  /** Marks the `count` oldest entries as taken; the arrays are emptied or compacted now and then. */
  advance(count: number): void {
    this.head += count;
    if (this.head === this.ids.length) {
      this.head = 0;
      for (const array of this.arrays()) array.length = 0;
    } else if (this.head > 4096 && this.head * 2 > this.ids.length) {
      for (const array of this.arrays()) array.splice(0, this.head);
      this.head = 0;
    }
  }

  private arrays(): unknown[][] {
    return [
      this.ids,
      this.traceIds,
      this.sources,
      this.regression,
      this.labels,
      this.values,
      this.confidences,
      this.times,
      this.retains,
    ];
  }
}
