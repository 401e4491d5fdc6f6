// Lint for every project: typescript-eslint's recommended rules plus nx module boundaries, which keep the
// dependency directions of docs/ARCHITECTURE.md: connectors depend only on core/testkit, core depends on nothing of ours,
// the runner never imports a connector (or the console) statically. Tests may also use the tools (the AWS sandbox).
import nx from '@nx/eslint-plugin'
import tseslint from 'typescript-eslint'

const boundaries = (extra) => [
  'error',
  {
    enforceBuildableLibDependency: false,
    allow: [],
    depConstraints: [
      { sourceTag: 'type:core', onlyDependOnLibsWithTags: [] },
      { sourceTag: 'type:testkit', onlyDependOnLibsWithTags: ['type:core'] },
      { sourceTag: 'type:aws', onlyDependOnLibsWithTags: ['type:core'] },
      { sourceTag: 'type:connector', onlyDependOnLibsWithTags: ['type:core', 'type:testkit', 'type:aws', ...extra] },
      { sourceTag: 'type:runner', onlyDependOnLibsWithTags: ['type:core', ...extra] },
      // The console sits on the runner; the runner loads it by name at run time, so the graph keeps one direction.
      { sourceTag: 'type:console', onlyDependOnLibsWithTags: ['type:core', 'type:runner', ...extra, ...(extra.length > 0 ? ['type:connector'] : [])] },
      { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:core', 'type:testkit', 'type:connector', 'type:runner', 'type:tool'] },
    ],
  },
]

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/out/**', '**/.connectors/**', '**/*.d.ts'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.js'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['**/src/**/*.ts', '**/bin/**/*.js'], plugins: { '@nx': nx }, rules: { '@nx/enforce-module-boundaries': boundaries([]) } },
  { files: ['**/src/**/*.spec.ts', '**/src/**/*.e2e-harness.ts'], plugins: { '@nx': nx }, rules: { '@nx/enforce-module-boundaries': boundaries(['type:tool', 'type:testkit']) } },
]
