// Lint rules for every workspace. Type-aware rules come from typescript-eslint;
// the import bans keep components apart: they share only @crashstats/common.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import tsdoc from 'eslint-plugin-tsdoc';

const components = [
  'collector',
  'processor',
  'crontasks',
  'webapp',
  'operator',
];

/** Patterns that stop one workspace reaching into another's files. */
function bannedImports(self) {
  const others = [...components, 'common', 'testkit'].filter((c) => c !== self);
  return [
    {
      group: others.flatMap((c) => [
        `../${c}/*`,
        `../../${c}/*`,
        `../../../${c}/*`,
      ]),
      message: 'Import another workspace by its package name, never by path.',
    },
    {
      group: ['@crashstats/*/*'],
      message: 'Import a package through its public entry point only.',
    },
    {
      group: components
        .filter((c) => c !== self)
        .map((c) => `@crashstats/${c}`),
      message:
        'Components never import one another; share code through @crashstats/common.',
    },
  ];
}

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/',
      '**/dist/',
      // Plain JavaScript entry points and launchers sit outside the
      // TypeScript projects that type-aware rules need.
      '**/*.mjs',
      '*/bin/*.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      curly: 'error',
      eqeqeq: ['error', 'always'],
      // node:test's describe/it return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['describe', 'it', 'test', 'suite', 'before', 'after'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_' },
      ],
      'max-len': [
        'error',
        {
          code: 120,
          ignoreUrls: true,
          ignorePattern: '^import |^\\s*//.*https?://',
        },
      ],
    },
  },
  // process.env is read in config modules only, so tests can build config literals.
  {
    files: [
      'common/src/**/*.ts',
      'collector/src/**/*.ts',
      'processor/src/**/*.ts',
      'webapp/src/**/*.ts',
      'operator/src/**/*.ts',
    ],
    // Composition roots read it too: main.ts, the one they share, and the
    // command-line entry points.
    ignores: [
      '**/src/config.ts',
      '**/src/main.ts',
      'common/src/component.ts',
      'webapp/src/cli/admin.ts',
    ],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read the environment in config.ts only.',
        },
      ],
    },
  },
  {
    files: ['common/src/**/*.ts'],
    plugins: { tsdoc },
    rules: { 'tsdoc/syntax': 'warn' },
  },
  ...['common', 'testkit', ...components].map((c) => ({
    files: [`${c}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', { patterns: bannedImports(c) }],
    },
  })),
);
