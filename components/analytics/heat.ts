/**
 * Heat-map colours for retention cells with AA contrast (≥ 4.5:1) for the text on them.
 * Two bands avoid the mid-blues on which neither dark nor white text reaches 4.5:1:
 * 0–50 %: white → #8fa0ff with dark text; 50–100 %: #3d5afe → #1a237e with white text.
 */
type RGB = [number, number, number];
const hex = (h: string): RGB => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16)];
const mix = (a: RGB, b: RGB, t: number): RGB => [0, 1, 2].map((i) => Math.round(a[i]! + (b[i]! - a[i]!) * t)) as RGB;
const css = (c: RGB) => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;

export const DARK_TEXT = '#1c2230';
export const LIGHT_TEXT = '#ffffff';

export function luminance(c: RGB | string): number {
  const rgb = typeof c === 'string' ? hex(c) : c;
  const lin = rgb.map((v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * lin[0]! + 0.7152 * lin[1]! + 0.0722 * lin[2]!;
}
export function contrast(a: RGB | string, b: RGB | string): number {
  const [x, y] = [luminance(a), luminance(b)].sort((m, n) => n - m);
  return (x! + 0.05) / (y! + 0.05);
}

/** Background and text colour for a share p in [0, 1]. */
export function heatColor(p: number): { background: string; color: string; rgb: RGB } {
  const q = Math.min(1, Math.max(0, Number.isFinite(p) ? p : 0));
  if (q < 0.5) {
    const rgb = mix(hex('#ffffff'), hex('#8fa0ff'), q / 0.5);
    return { background: css(rgb), color: DARK_TEXT, rgb };
  }
  const rgb = mix(hex('#3d5afe'), hex('#1a237e'), (q - 0.5) / 0.5);
  return { background: css(rgb), color: LIGHT_TEXT, rgb };
}
