/**
 * A sliding-window limiter (a log of the last `limit` send times): at most `limit` acquisitions in any
 * window of `windowMs`. In memory: only the sender that holds the outbox lock sends, so the limits are
 * global across instances. (rate-limiter-flexible, used for sign-in, counts fixed windows: twice the
 * rate can pass around a window edge, which a provider's per-second limit would refuse.)
 */
export class SlidingWindow {
  private readonly times: number[] = [];
  private head = 0;
  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** ms to wait before one more acquisition fits (0: now). */
  waitMs(): number {
    const t = this.now();
    while (this.head < this.times.length && this.times[this.head]! <= t - this.windowMs) this.head++;
    if (this.head > 1024) {
      this.times.splice(0, this.head);
      this.head = 0;
    }
    if (this.times.length - this.head < this.limit) return 0;
    return Math.max(1, this.times[this.head]! + this.windowMs - t);
  }

  take(): void {
    this.times.push(this.now());
  }

  async acquire(): Promise<void> {
    for (let w = this.waitMs(); w > 0; w = this.waitMs()) await new Promise((r) => setTimeout(r, w));
    this.take();
  }

  /** Takes a slot in both windows at the same moment (global + the recipient's domain). */
  static async acquireBoth(a: SlidingWindow, b: SlidingWindow): Promise<void> {
    for (;;) {
      const w = Math.max(a.waitMs(), b.waitMs());
      if (w === 0) break;
      await new Promise((r) => setTimeout(r, w));
    }
    a.take();
    b.take();
  }
}
