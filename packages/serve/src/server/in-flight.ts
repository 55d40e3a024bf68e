/** Work under way, so that closing can wait for it to end before releasing what it uses. */
export class InFlight {
  private running = 0;
  private idle: (() => void)[] = [];

  async track<T>(work: Promise<T>): Promise<T> {
    this.running++;
    try {
      return await work;
    } finally {
      if (--this.running === 0) for (const resolve of this.idle.splice(0)) resolve();
    }
  }

  /** Resolves once nothing tracked is under way (at once when nothing is). */
  async drained(): Promise<void> {
    while (this.running > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
  }
}
