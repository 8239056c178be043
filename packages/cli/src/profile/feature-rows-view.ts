import type { Column } from '../table/column';

/** Whether a property key is an array index below `length` (keys of elements are canonical decimal strings). */
function indexOf(key: string | symbol, length: number): number {
  if (typeof key !== 'string') return -1;
  const first = key.charCodeAt(0);
  if (first < 48 || first > 57) return -1;
  const index = Number(key);
  return index < length && (index === 0 ? key === '0' : first !== 48) && Number.isInteger(index) ? index : -1;
}

/**
 * The rows of a table as `buildProfile` reads them, for one column: an array of `rows` objects
 * `{ [feature]: value }`, made when an element is read rather than all at once. Made one at a
 * time, each row is garbage as soon as `buildProfile` has read its value; a million rows kept as
 * objects would take about 50 MB per feature and make `buildProfile` several times slower (the
 * garbage collector moving them). `Array.isArray` holds for the view and every array method works
 * on it, so `buildProfile` sees an ordinary array.
 */
export function featureRowsView(column: Column, rows: number): unknown[] {
  const target: unknown[] = [];
  target.length = rows;
  const feature = column.feature;
  // `for...of` over a proxy would go through the traps twice a row (the index, then the length);
  // this iterator reads the column directly, which makes buildProfile about a quarter faster.
  const iterate = (): IterableIterator<unknown> => {
    let index = 0;
    const iterator = {
      next: (): IteratorResult<unknown> =>
        index < rows
          ? { value: { [feature]: column.valueAt(index++) }, done: false }
          : { value: undefined, done: true },
      [Symbol.iterator]: () => iterator,
    };
    return iterator;
  };
  return new Proxy(target, {
    get(array, key, receiver) {
      if (key === Symbol.iterator) return iterate;
      const index = indexOf(key, rows);
      return index >= 0 ? { [feature]: column.valueAt(index) } : Reflect.get(array, key, receiver);
    },
    has(array, key) {
      return indexOf(key, rows) >= 0 || Reflect.has(array, key);
    },
  });
}
