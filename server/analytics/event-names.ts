/** What members do on the A-Cube platform, as activity events name it (the ingestion API accepts these). */
export const ACTIVITY_EVENT_NAMES = [
  'app.opened',
  'page.viewed',
  'session.booked',
  'session.attended',
  'event.registered',
  'blog.read',
  'search.performed',
  'profile.updated',
  'message.sent',
] as const;
export type ActivityEventName = (typeof ACTIVITY_EVENT_NAMES)[number];

export const ACTIVITY_SOURCES = ['web', 'ios', 'android'] as const;
export type ActivitySource = (typeof ACTIVITY_SOURCES)[number];
