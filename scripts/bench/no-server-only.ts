/**
 * Benchmarks import route handlers and services directly, outside a Next.js server bundle, where the
 * `server-only` guard would throw. Import this module first: it stands an empty module in for it
 * (the same thing vitest.config.ts does with an alias).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const resolved = require.resolve('server-only');
require.cache[resolved] = { id: resolved, filename: resolved, loaded: true, exports: {} } as NodeJS.Module;
