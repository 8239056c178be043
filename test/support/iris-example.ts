import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PreloadMode } from './service-process';

/** The built iris example service: `dist/server.cjs` for `--require`, `dist/server.mjs` for `--import`. */
export function irisExampleScript(mode: PreloadMode): string {
  const script = resolve(
    __dirname,
    '../../examples/iris-service/dist',
    mode === 'require' ? 'server.cjs' : 'server.mjs',
  );
  if (!existsSync(script)) {
    throw new Error(
      `${script} is missing: build it first (npm run build -w @modelsight/example-iris-service, or npm run build)`,
    );
  }
  return script;
}

/** Rows of the iris data set, one per class, with the class the example's model predicts for them. */
export const IRIS_ROWS = [
  { features: { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }, label: 'setosa' },
  { features: { sepal_length: 6.4, sepal_width: 3.2, petal_length: 4.5, petal_width: 1.5 }, label: 'versicolor' },
  { features: { sepal_length: 6.3, sepal_width: 3.3, petal_length: 6.0, petal_width: 2.5 }, label: 'virginica' },
] as const;
