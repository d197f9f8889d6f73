import { describe, expect, it } from 'vitest';
import { MASK, SEARCH_KEYS, SEARCH_REGISTRY, isRelatedPersonal, relationsOf, reverseRelations } from '../registry';
import { containsPrefilter, displayOf, relationPath } from './relations';
import { withKeywords } from './keywords';

describe('relations in the registry', () => {
  it('every reference names a registry target whose display and filter fields exist', () => {
    let n = 0;
    for (const c of SEARCH_KEYS) {
      for (const r of relationsOf(c)) {
        n++;
        const t = SEARCH_REGISTRY[r.target].fields;
        for (const f of [...r.display, ...r.filterBy]) expect(Object.keys(t), `${c}.${r.field} → ${r.target}.${f}`).toContain(f);
      }
    }
    expect(n).toBe(5); // bookings: member, psychologist; registrations: event, member; activity: member
    expect(
      reverseRelations('users')
        .map((r) => r.collection)
        .sort(),
    ).toEqual(['activity_events', 'event_registrations', 'session_bookings']);
  });

  it("a member's name and email are personal through a relation, whatever their own flag", () => {
    expect(isRelatedPersonal('users', 'name')).toBe(true);
    expect(isRelatedPersonal('users', 'email')).toBe(true);
    expect(isRelatedPersonal('psychologists', 'name')).toBe(false);
    expect(isRelatedPersonal('psychologists', 'email')).toBe(true);
  });

  it('displayOf masks personal display fields for roles without data.personal.read (filled or not)', () => {
    const doc = { _id: 'x', name: 'Priya Sharma', email: 'p@x.in' };
    expect(displayOf('users', 'a'.repeat(24), doc, ['name', 'email'], false)).toEqual({
      id: 'a'.repeat(24),
      collection: 'users',
      label: MASK,
      fields: { name: MASK, email: MASK },
      missing: false,
    });
    expect(displayOf('users', 'a'.repeat(24), { _id: 'x' }, ['name', 'email'], false).fields).toEqual({ name: MASK, email: MASK });
    expect(displayOf('users', 'a'.repeat(24), doc, ['name', 'email'], true).label).toBe('Priya Sharma');
    expect(displayOf('users', 'a'.repeat(24), undefined, ['name', 'email'], true)).toMatchObject({ missing: true, label: null });
  });

  it('relation paths are whitelisted: reference field + a filterBy field of its target', () => {
    expect(relationPath('session_bookings', 'userId.email')?.relation.target).toBe('users');
    expect(relationPath('session_bookings', 'psychologistId.name')?.sub).toBe('name');
    for (const bad of ['userId.phone', 'userId.$ne', 'userId.', '.email', 'status.email', 'userId.email.x', '__proto__.email', 'userId.__proto__'])
      expect(relationPath('session_bookings', bad), bad).toBeNull();
    expect(relationPath('audit_logs', 'actor.email')).toBeNull();
  });
});

describe('contains through a relation: the keyword prefilter', () => {
  it('whole words become keyword lookups, a word after a separator a keyword prefix, the rest nothing', () => {
    expect(containsPrefilter('users', 'email', 'amit.2@outlook.com')).toEqual([{ _kw: 'p:outlook' }, { _kw: { $regex: '^p:com' } }]);
    expect(containsPrefilter('users', 'email', '.sharma@')).toEqual([{ _kw: 'p:sharma' }]);
    expect(containsPrefilter('users', 'email', 'sharma')).toEqual([]);
    expect(containsPrefilter('events', 'title', 'the Mindful mor')).toEqual([{ _kw: 'mindful' }, { _kw: { $regex: '^mor' } }]);
    expect(containsPrefilter('users', 'phone', '+91 98')).toEqual([]); // not searchable: no keywords
  });

  it('never leaves out a record whose field contains the text (seeded property test, 3,000 cases)', () => {
    let seed = Number(process.env.PREFILTER_SEED ?? 1313);
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const chars = ['a', 'b', 'é', 'E', 'ü', '1', '2', '.', '@', '-', '_', ' ', '+', 'ß', 'İ', 'e\u0301', 'ﬁ', '½', 'Z'];
    const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)]!;
    let checked = 0;
    for (let i = 0; i < 3000; i++) {
      const start = seed;
      const value = Array.from({ length: 3 + Math.floor(rnd() * 25) }, () => pick(chars)).join('');
      const a = Math.floor(rnd() * value.length);
      const b = a + 1 + Math.floor(rnd() * (value.length - a));
      let text = value.slice(a, b);
      if (rnd() < 0.3) text = text.toUpperCase();
      if (!new RegExp(text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'), 'i').test(value)) continue; // case folding differs: not a containing pair
      const kw = withKeywords('users', { email: value })._kw;
      for (const c of containsPrefilter('users', 'email', text)) {
        checked++;
        const ok = typeof c._kw === 'string' ? kw.includes(c._kw) : kw.some((k) => k.startsWith(String(c._kw.$regex).slice(1).replace(/\\(.)/g, '$1')));
        expect(
          ok,
          `seed ${start}: ${JSON.stringify(value)} contains ${JSON.stringify(text)} but fails ${JSON.stringify(c)} (keywords ${JSON.stringify(kw)})`,
        ).toBe(true);
      }
    }
    expect(checked).toBeGreaterThan(1000); // the cases do reach the prefilter
  });
});
