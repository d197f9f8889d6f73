import { describe, expect, it } from 'vitest';
import { contrast, heatColor } from './heat';

describe('retention heat map colours', () => {
  it('keep text at 4.5:1 or better for every share from 0 to 100 %', () => {
    for (let i = 0; i <= 1000; i++) {
      const h = heatColor(i / 1000);
      expect(contrast(h.rgb, h.color), `p=${i / 1000}`).toBeGreaterThanOrEqual(4.5);
    }
  });
  it('the old scale (white text on rgba(61,90,254,0.08+0.82p) when p > 0.45) failed', () => {
    const p = 0.5;
    const a = 0.08 + p * 0.82;
    const bg: [number, number, number] = [61, 90, 254].map((c) => Math.round(c * a + 255 * (1 - a))) as [number, number, number];
    expect(contrast(bg, '#ffffff')).toBeLessThan(4.5);
  });
});
