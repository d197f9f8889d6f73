import { defineConfig } from 'vitest/config';
import path from 'node:path';

const alias = {
  '@': path.resolve(import.meta.dirname),
  // `server-only` throws outside a React Server Components bundle; tests run services directly.
  'server-only': path.resolve(import.meta.dirname, 'test/empty-module.ts'),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: 'unit', sequence: { groupOrder: 0 }, include: ['**/*.test.ts'], exclude: ['**/*.int.test.ts', 'node_modules/**', 'e2e/**', '.next*/**'] },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          exclude: ['node_modules/**', 'e2e/**', '.next*/**'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Each file has its own database; two at a time keeps FerretDB/SQLite responsive on 2 cores.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
