import { describe, expect, it } from 'vitest';
import { keywordsCache, keywordsFor, parseText, tokenize } from './keywords';
import { buildQuery, escapeRegex } from './filter';
import { cellValue, csvRows } from '../export/csv';
import { ObjectId } from 'mongodb';

describe('keywords', () => {
  it('the ASCII shortcut of tokenize gives the same tokens as the full normalisation', () => {
    const full = (t: string) =>
      t
        .normalize('NFKD')
        .replace(/\p{M}+/gu, '')
        .toLowerCase()
        .split(/[^\p{L}\p{N}]+/u)
        .filter((x) => x.length >= 2)
        .map((x) => x.slice(0, 40));
    for (const t of ['blog.read', 'Session.Booked_2', 'a-b-cc', 'Priya@Example.ORG', 'x'.repeat(50), '\u0000\u007fAB cd', '', '  '])
      expect(tokenize(t)).toEqual(full(t));
  });
  it('keywordsCache answers as keywordsFor, for repeated and changing values, and returns copies', () => {
    const kw = keywordsCache('activity_events', 3);
    const names = ['blog.read', 'session.booked', 'blog.read', 'search.performed', 'page.viewed', 'blog.read', 'Blog.Read'];
    for (const name of names) expect(kw({ name, eventId: name + '-1' })).toEqual(keywordsFor('activity_events', { name }));
    const a = kw({ name: 'blog.read' });
    a.push('mutated');
    expect(kw({ name: 'blog.read' })).toEqual(['blog', 'read']);
    const users = keywordsCache('users');
    const doc = { name: 'José D’Souza', email: 'j@x.io', tags: ['self_care'] }; // an array among the values: computed each time
    expect(users(doc)).toEqual(keywordsFor('users', doc));
    expect(users({ name: 'Ann', email: 'ann@x.io' })).toEqual(keywordsFor('users', { name: 'Ann', email: 'ann@x.io' }));
  });
  it('tokenizes to lower-case, accent-free words of 2+ characters', () => {
    expect(tokenize('José  D’Souza, Mumbai-400001 a')).toEqual(['jose', 'souza', 'mumbai', '400001']);
  });
  it('builds _kw from searchable fields only, personal ones prefixed', () => {
    const kw = keywordsFor('users', {
      name: 'Priya Sharma',
      email: 'priya@gmail.com',
      phone: '+91 98',
      city: 'Pune',
      tags: ['self_care'],
      notes: 'secret words',
    });
    // a member's name and tags are personal (special-category data) like the email
    expect(kw).toEqual(['p:priya', 'p:sharma', 'p:gmail', 'p:com', 'pune', 'p:self', 'p:care']);
    expect(keywordsFor('audit_logs', { action: 'x' })).toEqual([]);
  });
  it('parses free text into terms, * marking a prefix', () => {
    expect(parseText(' Pri*  sharma sharma ')).toEqual([
      { token: 'pri', prefix: true },
      { token: 'sharma', prefix: false },
    ]);
  });
});

describe('filter building', () => {
  it('escapes every regex metacharacter', () => {
    const s = '.*+?^${}()|[]\\/-';
    expect(new RegExp(`^${escapeRegex(s)}$`).test(s)).toBe(true);
  });
  it('builds the status + date range filter with an _id tie-breaker', () => {
    const q = buildQuery(
      'session_bookings',
      {
        where: {
          op: 'and',
          conditions: [
            { field: 'status', operator: 'eq', value: 'confirmed' },
            { field: 'scheduledAt', operator: 'between', value: ['2026-01-01', '2026-01-31'] },
          ],
        },
        sort: [{ field: 'scheduledAt', dir: 'desc' }],
      },
      false,
    );
    expect(q.filter).toEqual({
      $and: [{ status: 'confirmed' }, { scheduledAt: { $gte: new Date('2026-01-01T00:00:00Z'), $lte: new Date('2026-01-31T23:59:59.999Z') } }],
    });
    expect(q.sort).toEqual({ scheduledAt: -1, _id: -1 });
  });
});

describe('CSV cells', () => {
  it('formats dates as ISO UTC, ids as hex, arrays as JSON, and neutralises formulas', () => {
    expect(cellValue(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)))).toBe('2026-01-02T03:04:05.000Z');
    expect(cellValue(new ObjectId('65a000000000000000000001'))).toBe('65a000000000000000000001');
    expect(cellValue(['a', 'b'])).toBe('["a","b"]');
    expect(csvRows([{ a: '=1+1', b: -5, c: '@x', d: 'ok' }], ['a', 'b', 'c', 'd'])).toBe(`'=1+1,-5,'@x,ok\r\n`);
  });
});
