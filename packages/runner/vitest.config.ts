import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.spec.ts'],
    environment: 'node',
    // A hang guard, not a speed check: end-to-end specs start CLIs, sandboxes and servers on a shared 2-core machine.
    testTimeout: 120_000,
  },
})
