// ESLint (flat config): Next.js's rules (core web vitals, React, react-hooks, jsx-a11y, import) and
// typescript-eslint's recommended set through eslint-config-next. `npm run lint` runs it with no warnings
// allowed; .ci/run runs it before the tests.
import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      // `_`-prefixed names are deliberately unused (destructuring to drop a field, required parameters).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // react-hooks v7 adds the React Compiler's checks to its recommended set. This app does not use the
      // compiler; these three flag patterns that are correct without it (syncing a draft from the URL in an
      // effect, a ref holding the latest callback, Date.now() for "updated … ago"). rules-of-hooks and
      // exhaustive-deps stay on.
      'react-hooks/set-state-in-effect': 'off',
      'react-hooks/refs': 'off',
      'react-hooks/purity': 'off',
    },
  },
  globalIgnores(['.next/**', '.next-*/**', '.data/**', '.tools/**', 'node_modules/**', 'next-env.d.ts', 'docs/**']),
]);
