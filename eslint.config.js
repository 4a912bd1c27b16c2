import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

// The house rules (docs/architecture.md) as lint rules: `npm run lint` fails on a violation.

const TESTS = ['**/*.spec.ts', '**/*.spec.tsx', '**/*.medium-spec.ts', '**/*.e2e-spec.ts', '**/test/**', '**/testing/**'];

/** The database floor: only repositories and the module wiring (the composition roots) see Prisma. */
const DB_IMPORTS = {
  paths: [{ name: '@onda/db', message: 'Only *.repository.ts and module wiring import @onda/db: return domain types from a repository.' }],
  patterns: [{ group: ['@prisma/*', '**/generated/**'], message: 'Only *.repository.ts and module wiring see Prisma.' }],
};

/** Packages are the floor below the apps: a package never imports an app. */
const APP_IMPORTS = {
  group: ['@onda/api', '@onda/api/*', '@onda/ingest', '@onda/ingest/*', '@onda/worker', '@onda/worker/*', '@onda/web', '@onda/web/*', '@onda/onda', '@onda/onda/*', '**/apps/**'],
  message: 'A package never imports an app.',
};

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/generated/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      // Source imports name the emitted `.js`; the resolver maps them back to the `.ts` files.
      'import-x/resolver-next': [
        createNodeResolver({
          extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'],
          extensionAlias: { '.js': ['.ts', '.tsx', '.js'] },
          conditionNames: ['source', 'types', 'import', 'default'],
        }),
      ],
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      // Files stay under 400 lines (tests may be longer, below).
      'max-lines': ['error', { max: 400 }],
      // No import circles, type-only imports included: a circle is a module boundary drawn wrong.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    files: TESTS,
    rules: { 'max-lines': ['error', { max: 1200 }] },
  },
  // @onda/testing (matched by TESTS above) is library code the tests import, not a test: its modules keep the 400-line limit.
  {
    files: ['packages/testing/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.medium-spec.ts'],
    rules: { 'max-lines': ['error', { max: 400 }] },
  },
  // The floors: packages never import apps.
  {
    files: ['packages/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [APP_IMPORTS] }] },
  },
  // Prisma stays below the repositories of the API; apps/onda is the composition root that builds the client.
  {
    files: ['apps/{api,ingest,worker,web}/src/**/*.{ts,tsx}'],
    ignores: ['**/*.repository.ts', '**/*.module.ts', 'apps/api/src/seed/**', ...TESTS],
    rules: { 'no-restricted-imports': ['error', DB_IMPORTS] },
  },
  // apps/api common/ is shared infrastructure: it never imports a feature (a feature imports common/).
  {
    files: ['apps/api/src/common/**/*.ts'],
    ignores: ['**/*.repository.ts', ...TESTS],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          // Restated: a later block replaces, not merges, the options of an earlier one for the same file.
          paths: DB_IMPORTS.paths,
          patterns: [...DB_IMPORTS.patterns, { group: ['../*'], message: 'common/ never imports a feature: move the shared piece into common/.' }],
        },
      ],
    },
  },
  {
    files: ['apps/api/src/common/**/*.repository.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['../*'], message: 'common/ never imports a feature.' }] }] },
  },
  // Web: the viewer side never imports the admin console (the console may use viewer parts).
  {
    files: ['apps/web/src/{chat,vods,pages,player}/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        { ...DB_IMPORTS, patterns: [...DB_IMPORTS.patterns, { group: ['**/console/*', '**/console'], message: 'Viewer code never imports from console/: move the shared piece down.' }] },
      ],
    },
  },
);
