import { defineConfig } from 'vitest/config';

// The example's own tests (model and request parsing); the service under the preload is tested in test/ at the root.
export default defineConfig({ test: { include: ['test/**/*.test.ts'], testTimeout: 20_000 } });
