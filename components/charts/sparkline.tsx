/**
 * A sparkline in plain SVG: the dashboard's only chart. Recharts (the other charts, components/charts/charts.tsx) is
 * ~400 KB of script, which the dashboard parsed for this one line while a person was starting to use the page
 * (issue 12, round 7). A line, scaled to the series' range, and one hover title per point (day and value).
 */
import { formatNumber } from '@/components/ui/format';

export function Sparkline<Row extends Record<string, unknown>>({
  data,
  dataKey,
  xKey = 'day',
  label,
  height = 48,
}: {
  data: Row[];
  dataKey: keyof Row & string;
  xKey?: keyof Row & string;
  /** What the values are, for screen readers and hover titles (e.g. "daily active members"). */
  label: string;
  height?: number;
}) {
  const values = data.map((r) => Number(r[dataKey]) || 0);
  if (values.length === 0) return <div style={{ height }} aria-hidden="true" />;
  const W = 100;
  const pad = 4;
  // From zero, as the analytics charts' axes are: a dip reads as a dip, not as a fall to nothing; all zeros lie flat
  // on the bottom.
  const lo = Math.min(0, ...values);
  const hi = Math.max(...values);
  const x = (i: number) => (values.length === 1 ? W / 2 : (i / (values.length - 1)) * W);
  const y = (v: number) => pad + (hi === lo ? 1 : 1 - (v - lo) / (hi - lo)) * (height - 2 * pad);
  const step = values.length > 1 ? W / (values.length - 1) : W;
  const first = data[0]!;
  const last = data[data.length - 1]!;
  return (
    <svg
      className="sparkline"
      role="img"
      aria-label={`${label}: ${formatNumber(values[0]!)} on ${String(first[xKey])}, ${formatNumber(values.at(-1)!)} on ${String(last[xKey])}`}
      viewBox={`0 0 ${W} ${height}`}
      preserveAspectRatio="none"
      width="100%"
      height={height}
    >
      <polyline
        fill="none"
        stroke="#3d5afe"
        strokeWidth={2}
        vectorEffect="non-scaling-stroke"
        points={values.map((v, i) => `${x(i).toFixed(2)},${y(v).toFixed(2)}`).join(' ')}
      />
      {values.map((v, i) => (
        <rect key={i} x={Math.max(0, x(i) - step / 2)} y={0} width={step} height={height} fill="transparent">
          <title>{`${String(data[i]![xKey])}: ${formatNumber(v)} ${label}`}</title>
        </rect>
      ))}
    </svg>
  );
}
