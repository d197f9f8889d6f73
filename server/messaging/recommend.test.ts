import { describe, expect, it } from 'vitest';
import { recommend, type Candidates, type MemberProfile } from './recommend';

const now = new Date('2026-11-30T00:00:00Z');
const day = (n: number) => new Date(now.getTime() + n * 86_400_000);
const cands: Candidates = {
  events: [
    {
      id: 'e1',
      title: 'Sleep workshop',
      slug: 'sleep',
      startsAt: day(5),
      location: 'Online',
      online: true,
      tags: ['sleep'],
      status: 'published',
      capacity: 30,
      registered: 3,
    },
    {
      id: 'e2',
      title: 'Pune meetup',
      slug: 'pune',
      startsAt: day(3),
      location: 'Pune, MH',
      online: false,
      tags: ['community'],
      status: 'published',
      capacity: 20,
      registered: 2,
    },
    {
      id: 'e3',
      title: 'Full anxiety talk',
      slug: 'full',
      startsAt: day(2),
      location: 'Online',
      online: true,
      tags: ['anxiety'],
      status: 'published',
      capacity: 10,
      registered: 10,
    },
    {
      id: 'e4',
      title: 'Draft sleep retreat',
      slug: 'draft',
      startsAt: day(4),
      location: 'Online',
      online: true,
      tags: ['sleep'],
      status: 'draft',
      capacity: null,
      registered: 0,
    },
    {
      id: 'e5',
      title: 'Past sleep talk',
      slug: 'past',
      startsAt: day(-1),
      location: 'Online',
      online: true,
      tags: ['sleep'],
      status: 'published',
      capacity: null,
      registered: 0,
    },
    {
      id: 'e6',
      title: 'Yoga online',
      slug: 'yoga',
      startsAt: day(1),
      location: 'Online',
      online: true,
      tags: ['yoga'],
      status: 'published',
      capacity: null,
      registered: 0,
    },
  ],
  blogs: [
    { id: 'b1', title: 'Sleep hygiene', slug: 'sleep-hygiene', tags: ['sleep'], status: 'published', publishedAt: day(-10) },
    { id: 'b2', title: 'Sleep myths', slug: 'sleep-myths', tags: ['sleep'], status: 'published', publishedAt: day(-2) },
    { id: 'b3', title: 'Unpublished sleep', slug: 'x', tags: ['sleep'], status: 'draft', publishedAt: null },
  ],
  psychologists: [
    { id: 'p1', name: 'Dr. A', specialties: ['sleep', 'anxiety'], status: 'active', rating: 4.5 },
    { id: 'p2', name: 'Dr. B', specialties: ['sleep'], status: 'active', rating: 4.9 },
    { id: 'p3', name: 'Dr. C', specialties: ['sleep'], status: 'inactive', rating: 5 },
  ],
};
const reader: MemberProfile = { city: 'Pune', topics: { sleep: 3, anxiety: 1 }, readBlogIds: ['b2'], bookedPsychologistIds: [], registeredEventIds: [] };

describe('recommend', () => {
  it('picks from the member’s topics and city, with reasons; nothing unpublished, past or full', () => {
    const r = recommend(reader, cands, now, 'https://acube.example');
    expect(r.map((x) => [x.kind, x.id, x.reason])).toEqual([
      ['event', 'e1', 'because you read about sleep'],
      ['event', 'e2', 'in your city, Pune'],
      ['post', 'b1', 'because you read about sleep'], // b2 already read, b3 unpublished
      ['psychologist', 'p2', 'specialises in sleep'], // best rated active match; p3 inactive
    ]);
    expect(r[0]!.url).toBe('https://acube.example/events/sleep');
    for (const x of r) expect(['e3', 'e4', 'e5', 'p3', 'b3']).not.toContain(x.id);
  });
  it('is deterministic (same input, same output, whatever the candidate order)', () => {
    const shuffled: Candidates = { events: [...cands.events].reverse(), blogs: [...cands.blogs].reverse(), psychologists: [...cands.psychologists].reverse() };
    expect(recommend(reader, shuffled, now, 'u')).toEqual(recommend(reader, cands, now, 'u'));
  });
  it('suggests the psychologist a member saw before, and skips events they registered for', () => {
    const p: MemberProfile = { city: '', topics: {}, readBlogIds: [], bookedPsychologistIds: ['p1'], registeredEventIds: ['e6'] };
    const r = recommend(p, cands, now, 'u');
    expect(r.find((x) => x.kind === 'psychologist')).toMatchObject({ id: 'p1', reason: 'you had a session with them before' });
    expect(r.map((x) => x.id)).not.toContain('e6');
    expect(r.filter((x) => x.kind === 'event').map((x) => x.reason)).toEqual(['coming up soon', 'coming up soon']);
    expect(r.find((x) => x.kind === 'post')).toBeUndefined(); // no topics: no post
  });
});
