import { defineConfig } from 'vitest/config'

// The database suite runs once per target: always on PGlite, and on the real PostgreSQL server
// when DATABASE_URL is set (CI and the project's machines). Project names show in the output.
const dbTargets = ['pglite', ...(process.env.DATABASE_URL ? ['postgres'] : [])]

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{common,supabase,media-node,party,edge-app}/{src,app}/**/*.test.ts', 'bench/lib/**/*.test.ts'],
        },
      },
      ...dbTargets.map((target) => ({
        test: {
          name: `db:${target}`,
          include: ['supabase/tests/**/*.test.ts', '*/test/**/*.db.test.ts'],
          env: { BT_TEST_DB: target },
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      })),
      {
        test: {
          name: 'servers',
          include: ['{media-node,party}/test/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/test/real-world/**', '**/*.db.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        // Each file runs the whole platform (scripts/start.ts), which builds the edge app into
        // edge-app/build: one file at a time, so no build overwrites what another run serves.
        test: {
          name: 'platform',
          include: ['test/**/*.test.ts', 'edge-app/test/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/test/real-world/**', '**/*.db.test.ts'],
          poolOptions: { forks: { singleFork: true } },
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
})
