import { describe, expect, it } from 'vitest';
import { MASK, SEARCH_KEYS, SEARCH_REGISTRY, isRelatedPersonal, relationsOf, reverseRelations } from '../registry';
import { displayOf, relationPath } from './relations';

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
    expect(reverseRelations('users').map((r) => r.collection).sort()).toEqual(['activity_events', 'event_registrations', 'session_bookings']);
  });

  it('a member\'s name and email are personal through a relation, whatever their own flag', () => {
    expect(isRelatedPersonal('users', 'name')).toBe(true);
    expect(isRelatedPersonal('users', 'email')).toBe(true);
    expect(isRelatedPersonal('psychologists', 'name')).toBe(false);
    expect(isRelatedPersonal('psychologists', 'email')).toBe(true);
  });

  it('displayOf masks personal display fields for roles without data.personal.read (filled or not)', () => {
    const doc = { _id: 'x', name: 'Priya Sharma', email: 'p@x.in' };
    expect(displayOf('users', 'a'.repeat(24), doc, ['name', 'email'], false)).toEqual({ id: 'a'.repeat(24), collection: 'users', label: MASK, fields: { name: MASK, email: MASK }, missing: false });
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
