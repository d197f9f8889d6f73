/** The plain-route wrapper's decisions (issue 17, item 2): each route × each built-in role, origins, budgets. */
import { describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { BUILTIN_ROLE_KEYS, builtinRole, can } from '../permissions';
import type { Operator } from '../auth/session';
import { ROUTE_SPECS } from './routes';
import { refusal } from './route';
import { isSameOrigin } from './origin';
import { holdSlot, resetBudgets, spend } from './limits';

const opOf = (role: (typeof BUILTIN_ROLE_KEYS)[number]): Operator => ({
  admin: {
    _id: new ObjectId(),
    email: `${role}@t`,
    name: role,
    role,
    status: 'active',
    passwordHash: '',
    sessionVersion: 0,
    createdAt: new Date(),
    updatedAt: new Date(),
    createdBy: null,
    lastSignInAt: null,
  },
  role: builtinRole(role),
});

describe('role walk over the plain routes', () => {
  for (const [name, spec] of Object.entries(ROUTE_SPECS)) {
    if (spec.auth !== 'session') continue;
    it(`${name} (${spec.route}): 401 without a session, 403 exactly for the roles without "${spec.permission}"`, () => {
      expect(refusal(spec, null)?.status).toBe(401);
      for (const role of BUILTIN_ROLE_KEYS) {
        const r = refusal(spec, opOf(role));
        expect({ role, status: r?.status ?? 200 }).toEqual({ role, status: can(role, spec.permission) ? 200 : 403 });
      }
    });
  }
  it('every session route names a permission, a budget and an audit action', () => {
    for (const spec of Object.values(ROUTE_SPECS)) {
      if (spec.auth === 'session') expect([spec.route, !!spec.permission, !!spec.budget, !!spec.auditAction]).toEqual([spec.route, true, true, true]);
      else expect([spec.route, !!spec.budget]).toEqual([spec.route, true]);
    }
  });
});

describe('cross-site check', () => {
  const req = (method: string, headers: Record<string, string>) => new Request('http://admin.example:3000/api/x', { method, headers });
  it('lets reads through and same-origin writes', () => {
    expect(isSameOrigin(req('GET', { origin: 'https://evil.example' }), undefined)).toBe(true);
    expect(isSameOrigin(req('POST', { origin: 'http://admin.example:3000', host: 'admin.example:3000' }), undefined)).toBe(true);
    expect(isSameOrigin(req('POST', { origin: 'https://admin.acube.org', host: 'internal:3000' }), 'https://admin.acube.org/')).toBe(true);
    expect(isSameOrigin(req('POST', {}), undefined)).toBe(true); // curl with a cookie: no Origin, no Sec-Fetch-Site
  });
  it('refuses foreign and opaque origins and cross-site fetches', () => {
    expect(isSameOrigin(req('POST', { origin: 'https://evil.example', host: 'admin.example:3000' }), 'http://admin.example:3000')).toBe(false);
    expect(isSameOrigin(req('POST', { origin: 'null', host: 'admin.example:3000' }), undefined)).toBe(false);
    expect(isSameOrigin(req('POST', { 'sec-fetch-site': 'cross-site' }), undefined)).toBe(false);
    expect(isSameOrigin(req('POST', { origin: 'http://admin.example:3000.evil.example', host: 'admin.example:3000' }), undefined)).toBe(false);
  });
});

describe('budgets', () => {
  it('refuses past the per-minute budget with the seconds to wait, per caller', async () => {
    resetBudgets();
    let refusedAt = -1;
    let wait: number | null = null;
    for (let i = 0; i < 40 && refusedAt < 0; i++) {
      wait = await spend('export', 'op-a');
      if (wait !== null) refusedAt = i;
    }
    expect(refusedAt).toBe(30); // RATE_LIMIT_EXPORTS_PER_MIN default
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    expect(await spend('export', 'op-b')).toBeNull();
  });
  it('concurrent slots are held and released once', () => {
    resetBudgets();
    const a = holdSlot('x', 'op', 2)!;
    const b = holdSlot('x', 'op', 2)!;
    expect(holdSlot('x', 'op', 2)).toBeNull();
    a();
    a(); // releasing twice frees one slot only
    const c = holdSlot('x', 'op', 2);
    expect(c).not.toBeNull();
    expect(holdSlot('x', 'op', 2)).toBeNull();
    b();
    c!();
  });
});
