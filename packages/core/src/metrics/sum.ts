/** Neumaier-compensated sum: metrics over many rows stay within a few ulps of the exact sum. */
export class CompensatedSum {
  private sum = 0;
  private carry = 0;

  add(x: number): void {
    const t = this.sum + x;
    if (Math.abs(this.sum) >= Math.abs(x)) this.carry += this.sum - t + x;
    else this.carry += x - t + this.sum;
    this.sum = t;
  }

  get value(): number {
    return this.sum + this.carry;
  }
}

export function sumOf(values: ArrayLike<number>): number {
  const s = new CompensatedSum();
  for (let i = 0; i < values.length; i++) s.add(values[i] as number);
  return s.value;
}

export function meanOf(values: ArrayLike<number>): number {
  return sumOf(values) / values.length;
}
