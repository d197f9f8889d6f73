import { describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { toRow } from './filter';
import { MASK, maskDoc } from '../registry';

const id = new ObjectId('65a000000000000000000001');

describe('masking personal fields', () => {
  it('toRow masks a personal field whether it is filled, empty, null or missing (no tell)', () => {
    const filled = toRow('users', { _id: id, name: 'A', email: 'a@x.org', phone: '+91 1', notes: 'n' }, false, ['name', 'email', 'phone', 'notes']);
    const empty = toRow('users', { _id: id, name: 'B', email: '', phone: null }, false, ['name', 'email', 'phone', 'notes']);
    expect(filled).toEqual({ id: id.toHexString(), name: MASK, email: MASK, phone: MASK, notes: MASK });
    expect(empty).toEqual({ id: id.toHexString(), name: MASK, email: MASK, phone: MASK, notes: MASK });
  });
  it('toRow shows the real values, empty ones as null, with data.personal.read', () => {
    expect(toRow('users', { _id: id, email: '', phone: null }, true, ['email', 'phone', 'notes'])).toEqual({
      id: id.toHexString(),
      email: '',
      phone: null,
      notes: null,
    });
  });
  it('maskDoc masks every personal field, present or not, and leaves the others', () => {
    expect(maskDoc('users', { name: 'C', email: '', city: '' }, false)).toMatchObject({
      name: MASK,
      email: MASK,
      phone: MASK,
      notes: MASK,
      tags: MASK,
      city: '',
    });
    expect(maskDoc('users', { name: 'C', email: '' }, true)).toEqual({ name: 'C', email: '' });
  });
});
