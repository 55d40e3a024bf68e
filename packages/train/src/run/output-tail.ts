/** Keeps the last lines of a process's output, for error messages. */
export class OutputTail {
  private text = '';

  constructor(private readonly lines = 20) {}

  push(chunk: Buffer | string): void {
    this.text += String(chunk);
    // Trim now and then so a chatty trainer does not hold its whole log in memory.
    if (this.text.length > 64_000) this.text = this.last(this.lines * 2);
  }

  last(lines = this.lines): string {
    const all = this.text.replace(/\n+$/, '').split('\n');
    return all.slice(-lines).join('\n');
  }
}
