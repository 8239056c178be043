import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.config.base';

// @opentelemetry/instrumentation is bundled, as the SDK is into @modelsight/node, so that an app gets no
// OpenTelemetry package but the API. Kept outside: the API (one global copy per process), @modelsight/core
// (its totals must be the ones traced() writes) and the module-hook packages (one hook per process, and
// the loader thread of import-in-the-middle talks to the copy in node_modules).
// The declarations still name @opentelemetry/instrumentation (InstrumentationBase, InstrumentationConfig):
// an optional peer dependency, installed by those who register the instrumentations themselves.
export default defineConfig({
  ...packageBuild({ index: 'src/index.ts' }),
  external: ['@opentelemetry/api', '@modelsight/core', 'import-in-the-middle', 'require-in-the-middle'],
  noExternal: [/^@opentelemetry\/(?!api$)/],
});
