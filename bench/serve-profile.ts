/**
 * Top self-time functions of V8 CPU profiles (`node --cpu-prof`), as SERVE.md
 * summarizes them: `MODELGATE_BENCH_PROF=/tmp/prof npm run bench:serve -- --quick`
 * writes the model server's profiles (one per thread), then
 * `npx tsx bench/serve-profile.ts /tmp/prof/*.cpuprofile`.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const TOP = Number(process.env.TOP ?? 25);

for (const file of process.argv.slice(2)) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byNode.get(id);
    const micros = profile.timeDeltas[i] ?? 0;
    if (!node) return;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${basename(url).split('?')[0]}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + micros);
    total += micros;
  });
  const idle = self.get('(idle)') ?? 0;
  console.log(
    `\n${basename(file)}: ${(total / 1e6).toFixed(1)} s sampled, ${((100 * idle) / total).toFixed(0)}% idle`,
  );
  const busy = total - idle;
  for (const [key, micros] of [...self]
    .filter(([k]) => k !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP)) {
    console.log(`  ${((100 * micros) / busy).toFixed(1).padStart(5)}%  ${key}`);
  }
}
