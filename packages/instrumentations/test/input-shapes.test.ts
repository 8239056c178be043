import { expect, test } from 'vitest';
import { batchSizeOf, inputShapes, inputShapesAttribute } from '../src/input-shapes';

const onnx = (dims: number[]) => ({ dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)) });
const tfjs = (shape: number[]) => ({ shape, dataSync: () => new Float32Array(0) });

test('shapes are named for a map of inputs, bare for a tensor or an array of tensors', () => {
  expect(inputShapes({ input_ids: onnx([2, 8]), attention_mask: onnx([2, 8]) })).toBe(
    'input_ids[2,8], attention_mask[2,8]',
  );
  expect(inputShapes(tfjs([1, 4]))).toBe('[1,4]');
  expect(inputShapes([tfjs([3, 4]), tfjs([3])])).toBe('[3,4], [3]');
  expect(inputShapes('text')).toBeUndefined();
});

test('the batch size is the first dimension of the first tensor, when above one', () => {
  expect(batchSizeOf({ float_input: onnx([5, 4]) })).toBe(5);
  expect(batchSizeOf(tfjs([1, 4]))).toBeUndefined();
  expect(batchSizeOf([tfjs([3, 4])])).toBe(3);
  expect(batchSizeOf(tfjs([4]))).toBeUndefined();
  expect(batchSizeOf({})).toBeUndefined();
});

test('a call with the shapes of the previous one gets the same attribute object; other shapes get a new one', () => {
  const attribute = inputShapesAttribute('ml.input.shapes');
  const first = attribute({ x: onnx([1, 4]) });
  expect(first).toEqual({ 'ml.input.shapes': 'x[1,4]' });
  expect(attribute({ x: onnx([1, 4]) })).toBe(first);
  expect(attribute({ x: onnx([2, 4]) })).toEqual({ 'ml.input.shapes': 'x[2,4]' });
  expect(attribute({ y: onnx([2, 4]) })).toEqual({ 'ml.input.shapes': 'y[2,4]' });
  expect(attribute({ y: onnx([2, 4]), z: onnx([1]) })).toEqual({ 'ml.input.shapes': 'y[2,4], z[1]' });
  expect(Object.isFrozen(first)).toBe(true);
});

test('a single tensor or an array of tensors with the shapes of the previous call gets the same attribute object', () => {
  const attribute = inputShapesAttribute('ml.input.shapes');
  const first = attribute(tfjs([1, 4]));
  expect(attribute(tfjs([1, 4]))).toBe(first);
  expect(attribute(tfjs([2, 4]))).toEqual({ 'ml.input.shapes': '[2,4]' });
  const pair = attribute([tfjs([1, 4]), tfjs([1])]);
  expect(pair).toEqual({ 'ml.input.shapes': '[1,4], [1]' });
  expect(attribute([tfjs([1, 4]), tfjs([1])])).toBe(pair);
  expect(attribute([tfjs([1, 4]), tfjs([2])])).toEqual({ 'ml.input.shapes': '[1,4], [2]' });
  expect(attribute({ x: tfjs([1, 4]) })).toEqual({ 'ml.input.shapes': 'x[1,4]' });
});
