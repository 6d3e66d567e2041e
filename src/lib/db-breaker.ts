// While Postgres is unreachable, each request would otherwise wait for its own connect timeout (seconds) before
// its 503, and a burst of them queues behind one another and then reconnects all at once when Postgres returns.
// Once a request has found the database away, the v2 API answers 503 at once for a short while, letting one
// request through every probe interval to find out whether it is back; the first answer that is not a 503 closes
// the breaker.
export class DatabaseBreaker {
  private openUntil = 0;
  private lastProbe = 0;

  private readonly openMs: number;
  private readonly probeMs: number;
  private readonly now: () => number;

  constructor(openMs = 1000, probeMs = 250, now: () => number = Date.now) {
    this.openMs = openMs;
    this.probeMs = probeMs;
    this.now = now;
  }

  /** A request found the database unreachable. */
  trip(): void {
    this.openUntil = this.now() + this.openMs;
  }

  /** A request got through and was answered: the database is back. */
  close(): void {
    this.openUntil = 0;
  }

  get isOpen(): boolean {
    return this.now() < this.openUntil;
  }

  /** Whether to answer this request 503 without trying the database (false lets a probe through). */
  shortCircuit(): boolean {
    const now = this.now();
    if (now >= this.openUntil) return false;
    if (now - this.lastProbe >= this.probeMs) {
      this.lastProbe = now;
      return false;
    }
    return true;
  }
}
