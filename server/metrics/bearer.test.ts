import { describe, expect, it } from 'vitest';
import { bearerMatches } from './bearer';

const TOKEN = 'metrics-token-0123456789abcdef';

describe('bearerMatches', () => {
  it('accepts exactly "Bearer <token>" (scheme case-insensitive, surrounding blanks tolerated)', () => {
    expect(bearerMatches(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerMatches(`bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(bearerMatches(`Bearer   ${TOKEN} `, TOKEN)).toBe(true);
  });

  it('refuses a missing header, another scheme, a wrong, shorter, longer or prefixed token', () => {
    expect(bearerMatches(null, TOKEN)).toBe(false);
    expect(bearerMatches(undefined, TOKEN)).toBe(false);
    expect(bearerMatches('', TOKEN)).toBe(false);
    expect(bearerMatches(TOKEN, TOKEN)).toBe(false);
    expect(bearerMatches(`Basic ${TOKEN}`, TOKEN)).toBe(false);
    expect(bearerMatches(`Bearer ${TOKEN.slice(0, -1)}`, TOKEN)).toBe(false);
    expect(bearerMatches(`Bearer ${TOKEN}x`, TOKEN)).toBe(false);
    expect(bearerMatches(`Bearer ${TOKEN.toUpperCase()}`, TOKEN)).toBe(false);
    expect(bearerMatches(`Bearer ${TOKEN} extra`, TOKEN)).toBe(false);
    expect(bearerMatches('Bearer', TOKEN)).toBe(false);
  });

  it('never matches when no token is configured', () => {
    expect(bearerMatches('Bearer ', '')).toBe(false);
    expect(bearerMatches('Bearer', '')).toBe(false);
    expect(bearerMatches(null, '')).toBe(false);
  });
});
