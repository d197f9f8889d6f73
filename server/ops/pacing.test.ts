import { describe, expect, it } from 'vitest';
import { backgroundWaitedMs, beginInteractive, interactiveInFlight, paceBackground } from './pacing';

describe('background pacing', () => {
  it('returns at once while no request runs', async () => {
    const t = performance.now();
    await paceBackground(500);
    expect(performance.now() - t).toBeLessThan(20);
  });

  it('counts requests, each end counted once', () => {
    const before = interactiveInFlight();
    const a = beginInteractive();
    const b = beginInteractive();
    expect(interactiveInFlight()).toBe(before + 2);
    a();
    a();
    expect(interactiveInFlight()).toBe(before + 1);
    b();
    expect(interactiveInFlight()).toBe(before);
  });

  it('gives running requests twice the time the last chunk took, and resumes when they are gone', async () => {
    const end = beginInteractive();
    const waited0 = backgroundWaitedMs();
    let t = performance.now();
    await paceBackground(100); // budget 200 ms
    const waited = performance.now() - t;
    expect(waited).toBeGreaterThanOrEqual(190);
    expect(waited).toBeLessThan(400);
    expect(backgroundWaitedMs() - waited0).toBeGreaterThanOrEqual(190);

    // the request answers 60 ms into a 2 s budget: the job goes on within one step (50 ms)
    setTimeout(end, 60);
    t = performance.now();
    await paceBackground(1_000);
    expect(performance.now() - t).toBeLessThan(200);
  });

  it('never waits more than a second per chunk, however long the chunk took', async () => {
    const end = beginInteractive();
    const t = performance.now();
    await paceBackground(60_000);
    end();
    const waited = performance.now() - t;
    expect(waited).toBeGreaterThanOrEqual(990);
    expect(waited).toBeLessThan(1_300);
  });
});
