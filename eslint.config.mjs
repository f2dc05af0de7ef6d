// @ts-check
// ESLint flat config for the whole workspace (STYLE.md item 15): typescript-eslint recommended,
// Nx module boundaries by project tags (ARCHITECTURE.md section 2), Prettier owns formatting.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** Node globals for the plain JS files (scripts, jest config); TS files are checked by tsc instead. */
const nodeGlobals = Object.fromEntries(
  [
    'AbortController',
    'Buffer',
    'URL',
    'clearInterval',
    'clearTimeout',
    'console',
    'fetch',
    'process',
    'setInterval',
    'setTimeout',
    'structuredClone',
  ].map((name) => [name, 'readonly']),
);
const commonJsGlobals = {
  __dirname: 'readonly',
  __filename: 'readonly',
  exports: 'writable',
  module: 'writable',
  require: 'readonly',
};

export default defineConfig(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', '**/.nx/**'] },

  js.configs.recommended,
  tseslint.configs.recommended,
  nx.configs['flat/base'], // registers the @nx plugin

  // Services log through pino (libs/common logging); console output is for the CLI scripts only.
  { rules: { 'no-console': 'error' } },

  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      // `_`-prefixed names mark parameters and destructured leftovers that are unused on purpose.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          depConstraints: [
            // Apps import libs, never another app.
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            // libs/contracts depends on nothing but zod (so nothing from Nest either).
            {
              sourceTag: 'scope:contracts',
              onlyDependOnLibsWithTags: [],
              allowedExternalImports: ['zod'],
              bannedExternalImports: ['@nestjs/*'],
            },
            { sourceTag: 'scope:common', onlyDependOnLibsWithTags: ['scope:contracts'] },
            // The SDK runs in browsers too: no other lib, no package, only fetch and WebSocket.
            {
              sourceTag: 'scope:sdk',
              onlyDependOnLibsWithTags: [],
              allowedExternalImports: [],
            },
          ],
        },
      ],
    },
  },

  // The SDK's tests may use the test tools its code may not.
  {
    files: ['libs/sdk/**/*.spec.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          depConstraints: [
            {
              sourceTag: 'scope:sdk',
              onlyDependOnLibsWithTags: [],
              allowedExternalImports: ['fast-check'],
            },
          ],
        },
      ],
    },
  },

  // Plain JS: build/start scripts (ES modules and CommonJS) and the jest config.
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: nodeGlobals },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...nodeGlobals, ...commonJsGlobals } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Command-line tools: their output is the point.
    files: ['scripts/**', 'bench/**', 'examples/**'],
    rules: { 'no-console': 'off' },
  },

  prettier,
);
