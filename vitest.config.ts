import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['modelgate-source'] },
  ssr: { resolve: { conditions: ['modelgate-source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
