/** Hands out tensor and node names that are unique within one graph, in call order (deterministic). */
export class NameSet {
  private readonly used = new Set<string>();
  private readonly counters = new Map<string, number>();

  has(name: string): boolean {
    return this.used.has(name);
  }

  /** Claims `name` exactly; throws if it is taken. */
  claim(name: string): string {
    if (name === '') throw new Error('ONNX names must not be empty');
    if (this.used.has(name)) throw new Error(`ONNX name '${name}' is already used in this graph`);
    this.used.add(name);
    return name;
  }

  /** `hint` itself if free, else `hint_1`, `hint_2`, ... */
  fresh(hint: string): string {
    if (!this.used.has(hint) && hint !== '') return this.claim(hint);
    let k = this.counters.get(hint) ?? 0;
    let name: string;
    do {
      k += 1;
      name = `${hint}_${k}`;
    } while (this.used.has(name));
    this.counters.set(hint, k);
    return this.claim(name);
  }
}
