import { describe, expect, it } from 'vitest';
import { metrics, withRouteMetrics } from './registry';

async function count(route: string, method: string, status: string): Promise<number> {
  const m = (await metrics().httpDuration.get()).values.find(
    (v) => v.metricName === 'acube_http_request_duration_seconds_count' && v.labels.route === route && v.labels.method === method && v.labels.status === status,
  );
  return m?.value ?? 0;
}

describe('withRouteMetrics', () => {
  it('times each request under the route pattern, method and status, passing arguments and the response through', async () => {
    const handler = withRouteMetrics('/api/test/[id]', async (req: Request, ctx: { params: Promise<{ id: string }> }) =>
      Response.json({ id: (await ctx.params).id, url: req.url }, { status: 201 }),
    );
    const res = await handler(new Request('http://x/api/test/42', { method: 'POST' }), { params: Promise.resolve({ id: '42' }) });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ id: '42', url: 'http://x/api/test/42' });
    await handler(new Request('http://x/api/test/43', { method: 'POST' }), { params: Promise.resolve({ id: '43' }) });
    expect(await count('/api/test/[id]', 'POST', '201')).toBe(2);
    expect(await count('/api/test/42', 'POST', '201')).toBe(0);
  });

  it('a handler that throws is recorded as 500 and its error passes through', async () => {
    const boom = new Error('boom');
    const handler = withRouteMetrics('/api/throws', async (): Promise<Response> => {
      throw boom;
    });
    await expect(handler(new Request('http://x/api/throws'))).rejects.toBe(boom);
    expect(await count('/api/throws', 'GET', '500')).toBe(1);
  });
});
