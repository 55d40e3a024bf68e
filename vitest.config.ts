import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['modelgate-source'] },
  ssr: { resolve: { conditions: ['modelgate-source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    // Stops the dockerd a test started, once every file is done (see docker-fixture.ts).
    globalSetup: ['packages/serve/test/docker-teardown.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
