/** Process-wide run state: readyz answers 503 once shutdown has begun. */
export class Lifecycle {
  private shuttingDownSince: Date | null = null;

  get shuttingDown(): boolean {
    return this.shuttingDownSince !== null;
  }

  beginShutdown(): void {
    this.shuttingDownSince ??= new Date();
  }
}
