/** FNV-1a over the seed and the request id: the same request is sampled the same way on every replica. */
function hashToUnit(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash / 0x1_0000_0000;
}

export function createSampler(sampleRate: number, seed: number): (requestId: string) => boolean {
  if (sampleRate >= 1) return () => true;
  if (sampleRate <= 0) return () => false;
  return (requestId) => hashToUnit(`${seed}:${requestId}`) < sampleRate;
}
