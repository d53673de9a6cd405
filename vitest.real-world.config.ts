import { defineConfig } from 'vitest/config'

// Tests against the real-world fixtures in ../shared/fixtures (written by others, never copied
// into this repository). `.ci/run` calls this only when that folder exists.
export default defineConfig({
  test: {
    name: 'real-world',
    include: ['**/test/real-world/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    passWithNoTests: true,
    testTimeout: 120_000,
  },
})
