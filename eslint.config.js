// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Node built-ins that do no I/O: the only ones the pure domain may import. */
const pureBuiltins = ['node:crypto', 'node:util'];

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'coverage/**',
      '.data/**',
      'bench/results/**',
      '**/*.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        project: [
          './packages/*/tsconfig.json',
          './apps/*/tsconfig.json',
          './examples/*/tsconfig.json',
          './tsconfig.tests.json',
        ],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The arrows point inwards: the domain imports nothing but zod and pure built-ins.
    files: ['packages/domain/src/**/*.ts'],
    ignores: ['packages/domain/src/testing/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(?!(zod$|\\.{1,2}/|${pureBuiltins.map((b) => b.replace('/', '\\/') + '$').join('|')}))`,
              message:
                'The domain is pure: it may import only zod, its own files and I/O-free node built-ins (node:crypto, node:util).',
            },
          ],
        },
      ],
    },
  },
  {
    // The testing kit may use vitest on top of the pure domain.
    files: ['packages/domain/src/testing/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!(zod$|vitest$|\\.{1,2}/|node:crypto$))',
              message: 'The testing kit may import only vitest, zod and the domain itself.',
            },
          ],
        },
      ],
    },
  },
  {
    // Adapters never reach into the apps.
    files: ['packages/adapters/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(@signup/(http|cli)|.*apps/)',
              message: 'Adapters must not import from the apps.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/test/**/*.ts', 'examples/**/*.ts', 'bench/**'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
