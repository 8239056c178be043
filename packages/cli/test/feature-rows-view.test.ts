import { expect, test } from 'vitest';
import { featureRowsView } from '../src/profile/feature-rows-view';
import { Column } from '../src/table/column';

function column(): Column {
  const c = new Column('x', 'x', undefined);
  c.pushNumber(1.5, '1.5');
  c.pushMissing();
  c.pushNumber(-2, '-2');
  return c;
}
const expected = [{ x: 1.5 }, { x: Number.NaN }, { x: -2 }];

test('the view reads as an array of one-feature rows, by index, by iteration and by array methods', () => {
  const rows = featureRowsView(column(), 3);
  expect(Array.isArray(rows)).toBe(true);
  expect(rows.length).toBe(3);
  expect([rows[0], rows[1], rows[2], rows[3]]).toEqual([...expected, undefined]);
  expect([...rows]).toEqual(expected);
  expect(rows.map((row) => row)).toEqual(expected);
  expect(Array.from(rows)).toEqual(expected);
  expect(1 in rows && !(3 in rows)).toBe(true);
});
