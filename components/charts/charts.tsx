'use client';
/**
 * Thin Recharts wrappers with the app's look: a line chart, a (stacked) bar chart and a sparkline.
 * Periods that are not over yet (`isIncomplete`) are honest: a line is drawn dashed from the last complete point,
 * bars are drawn pale, and the span is shaded and labelled "incomplete" (as PostHog does).
 */
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  Line,
  LineChart,
  ReferenceArea,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatNumber } from '@/components/ui/format';

export const PALETTE = ['#3d5afe', '#00a676', '#f57c00', '#8e24aa', '#d81b60', '#00838f', '#6d4c41', '#546e7a', '#c0ca33', '#5c6bc0'];

export interface SeriesDef {
  key: string;
  label: string;
  color?: string;
  /** A second y axis on the right (e.g. a ratio next to counts). */
  right?: boolean;
  stack?: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Row = Record<string, any>;
const PARTIAL = '__partial';

function incompleteSpan(data: Row[], x: string, isIncomplete?: (row: Row) => boolean) {
  if (!isIncomplete) return null;
  const first = data.findIndex(isIncomplete);
  if (first < 0) return null;
  // From the last complete point (the dashed segment starts there), so a single incomplete period is not a zero-width band.
  return { first, x1: data[Math.max(0, first - 1)]![x], x2: data[data.length - 1]![x] };
}

function IncompleteArea({ span, yAxisId }: { span: { x1: unknown; x2: unknown }; yAxisId?: string }) {
  return (
    <ReferenceArea
      x1={span.x1 as string}
      x2={span.x2 as string}
      yAxisId={yAxisId}
      fill="#8a93a6"
      fillOpacity={0.12}
      ifOverflow="extendDomain"
      label={{ value: 'incomplete', position: 'insideTop', fill: '#4a5366', fontSize: 12 }}
    />
  );
}

export function LineChartBox({
  data,
  x,
  series,
  height = 300,
  percentRight = false,
  isIncomplete,
  label,
}: {
  data: Row[];
  x: string;
  series: SeriesDef[];
  height?: number;
  percentRight?: boolean;
  isIncomplete?: (row: Row) => boolean;
  label?: string;
}) {
  const hasRight = series.some((s) => s.right);
  const span = incompleteSpan(data, x, isIncomplete);
  // Complete points keep the solid series; the last complete point and the incomplete ones form a dashed twin.
  const rows = span
    ? data.map((r, i) => {
        const o: Row = { ...r };
        for (const s of series) {
          o[s.key + PARTIAL] = i >= span.first - 1 ? r[s.key] : null;
          if (i >= span.first) o[s.key] = null;
        }
        return o;
      })
    : data;
  const fmt = (v: unknown, name: unknown) => {
    const s = series.find((d) => d.label === name || `${d.label} (incomplete)` === name);
    if (v === null || v === undefined) return '—';
    return percentRight && s?.right ? `${(Number(v) * 100).toFixed(1)}%` : formatNumber(Number(v), { maximumFractionDigits: 2 });
  };
  return (
    <div className="chart-box" style={{ height }} role="figure" aria-label={label ?? series.map((s) => s.label).join(', ')}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid stroke="#e6e9ef" strokeDasharray="3 3" />
          <XAxis dataKey={x} tick={{ fontSize: 12, fill: '#4a5366' }} minTickGap={16} />
          <YAxis yAxisId="left" tick={{ fontSize: 12, fill: '#4a5366' }} allowDecimals={false} />
          {hasRight && (
            <YAxis
              yAxisId="right"
              orientation="right"
              tick={{ fontSize: 12, fill: '#4a5366' }}
              tickFormatter={percentRight ? (v: number) => `${Math.round(v * 100)}%` : undefined}
            />
          )}
          {span && <IncompleteArea span={span} yAxisId="left" />}
          <Tooltip formatter={fmt} />
          <Legend />
          {series.map((s, i) => (
            <Line
              key={s.key}
              yAxisId={s.right ? 'right' : 'left'}
              type="monotone"
              dataKey={s.key}
              name={s.label}
              stroke={s.color ?? PALETTE[i % PALETTE.length]}
              dot={data.length < 40}
              strokeWidth={2}
              isAnimationActive={false}
              connectNulls={false}
            />
          ))}
          {span &&
            series.map((s, i) => (
              <Line
                key={s.key + PARTIAL}
                yAxisId={s.right ? 'right' : 'left'}
                type="monotone"
                dataKey={s.key + PARTIAL}
                name={`${s.label} (incomplete)`}
                legendType="none"
                stroke={s.color ?? PALETTE[i % PALETTE.length]}
                strokeDasharray="6 4"
                dot={data.length < 40 ? { strokeDasharray: '' } : false}
                strokeWidth={2}
                isAnimationActive={false}
              />
            ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

export function BarChartBox({
  data,
  x,
  series,
  height = 300,
  xLabel,
  isIncomplete,
  label,
}: {
  data: Row[];
  x: string;
  series: SeriesDef[];
  height?: number;
  xLabel?: string;
  isIncomplete?: (row: Row) => boolean;
  label?: string;
}) {
  const span = incompleteSpan(data, x, isIncomplete);
  return (
    <div className="chart-box" style={{ height }} role="figure" aria-label={label ?? series.map((s) => s.label).join(', ')}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: xLabel ? 16 : 4, left: 0 }} stackOffset="sign">
          <CartesianGrid stroke="#e6e9ef" strokeDasharray="3 3" />
          <XAxis
            dataKey={x}
            tick={{ fontSize: 12, fill: '#4a5366' }}
            minTickGap={8}
            label={xLabel ? { value: xLabel, position: 'insideBottom', offset: -8, fontSize: 12, fill: '#4a5366' } : undefined}
          />
          <YAxis tick={{ fontSize: 12, fill: '#4a5366' }} allowDecimals={false} />
          {span && <IncompleteArea span={span} />}
          <Tooltip formatter={(v) => formatNumber(Math.abs(Number(v)))} />
          <Legend verticalAlign="top" />
          <ReferenceLine y={0} stroke="#8a93a6" />
          {series.map((s, i) => (
            <Bar key={s.key} dataKey={s.key} name={s.label} stackId={s.stack} fill={s.color ?? PALETTE[i % PALETTE.length]} isAnimationActive={false}>
              {span ? data.map((r, j) => <Cell key={j} fillOpacity={isIncomplete!(r) ? 0.4 : 1} />) : null}
            </Bar>
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
