'use client';
/** Thin Recharts wrappers with the app's look: a line chart, a (stacked) bar chart and a sparkline. */
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

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

export function LineChartBox({ data, x, series, height = 300, percentRight = false }: { data: Row[]; x: string; series: SeriesDef[]; height?: number; percentRight?: boolean }) {
  const hasRight = series.some((s) => s.right);
  return (
    <div className="chart-box" style={{ height }}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid stroke="#e6e9ef" strokeDasharray="3 3" />
          <XAxis dataKey={x} tick={{ fontSize: 12 }} minTickGap={16} />
          <YAxis yAxisId="left" tick={{ fontSize: 12 }} allowDecimals={false} />
          {hasRight && (
            <YAxis yAxisId="right" orientation="right" tick={{ fontSize: 12 }} tickFormatter={percentRight ? (v: number) => `${Math.round(v * 100)}%` : undefined} />
          )}
          <Tooltip formatter={(v, name) => (percentRight && series.find((s) => s.label === name)?.right ? `${(Number(v) * 100).toFixed(1)}%` : v)} />
          <Legend />
          {series.map((s, i) => (
            <Line key={s.key} yAxisId={s.right ? 'right' : 'left'} type="monotone" dataKey={s.key} name={s.label} stroke={s.color ?? PALETTE[i % PALETTE.length]} dot={data.length < 40} strokeWidth={2} isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

export function BarChartBox({ data, x, series, height = 300, xLabel }: { data: Row[]; x: string; series: SeriesDef[]; height?: number; xLabel?: string }) {
  return (
    <div className="chart-box" style={{ height }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: xLabel ? 16 : 4, left: 0 }} stackOffset="sign">
          <CartesianGrid stroke="#e6e9ef" strokeDasharray="3 3" />
          <XAxis dataKey={x} tick={{ fontSize: 12 }} minTickGap={8} label={xLabel ? { value: xLabel, position: 'insideBottom', offset: -8, fontSize: 12 } : undefined} />
          <YAxis tick={{ fontSize: 12 }} allowDecimals={false} />
          <Tooltip formatter={(v) => Math.abs(Number(v)).toLocaleString('en-US')} />
          <Legend verticalAlign="top" />
          <ReferenceLine y={0} stroke="#8a93a6" />
          {series.map((s, i) => (
            <Bar key={s.key} dataKey={s.key} name={s.label} stackId={s.stack} fill={s.color ?? PALETTE[i % PALETTE.length]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export function Sparkline({ data, dataKey, height = 48 }: { data: Row[]; dataKey: string; height?: number }) {
  return (
    <div style={{ height, width: '100%' }}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 4, right: 2, bottom: 4, left: 2 }}>
          <Line type="monotone" dataKey={dataKey} stroke="#3d5afe" dot={false} strokeWidth={2} isAnimationActive={false} />
          <Tooltip formatter={(v) => [v, 'DAU']} labelFormatter={(_, p) => String(p?.[0]?.payload?.day ?? '')} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
