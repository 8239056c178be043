/** Longest class name that gets series: a label value is not the place for a sentence sent as feedback. */
export const MAX_CLASS_NAME_LENGTH = 128;

/**
 * The classes of one model that get their own precision, recall and F1 series: the `labels`
 * option when given (fixed), else the first `maxClasses` distinct labels seen that are at most
 * {@link MAX_CLASS_NAME_LENGTH} characters long. This keeps the number and the size of the series
 * bounded whatever labels arrive.
 */
export class ClassSet {
  private readonly indexes = new Map<string, number>();
  private readonly fixed: boolean;
  readonly names: string[] = [];

  constructor(
    labels: readonly string[] | undefined,
    private readonly maxClasses: number,
    /** Called for each label that gets no series (the caller reports it once). */
    private readonly onOverflow: (label: string) => void = () => {},
  ) {
    this.fixed = labels !== undefined;
    for (const label of labels ?? []) this.add(label);
  }

  get size(): number {
    return this.names.length;
  }

  /** Index of the class, adding it while there is room; -1 for a class that gets no series. */
  indexOf(label: string): number {
    const known = this.indexes.get(label);
    if (known !== undefined) return known;
    if (this.fixed || this.names.length >= this.maxClasses || label.length > MAX_CLASS_NAME_LENGTH) {
      this.onOverflow(label);
      return -1;
    }
    return this.add(label);
  }

  private add(label: string): number {
    const index = this.names.length;
    this.indexes.set(label, index);
    this.names.push(label);
    return index;
  }
}
