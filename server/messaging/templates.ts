/**
 * Email templates: stored in the database, versioned (every save is a new version with who/when/note;
 * restore saves an old version as the newest), written in Liquid (liquidjs: no code execution, own
 * properties only, strict variables and filters, no file system) inside MJML.
 *
 * At save time the body is checked (Liquid syntax, every variable declared, MJML valid) and compiled
 * once: MJML → responsive HTML with the Liquid left in place, and a plain-text part generated from that
 * HTML (html-to-text). Sending a message then costs two Liquid renders, not an MJML compile.
 */
import type { Db } from 'mongodb';
import { Liquid } from 'liquidjs';
import mjml2html from 'mjml';
import { convert } from 'html-to-text';
import { AppError } from '../errors';
import { ms, type Category, type TemplateDoc, type TemplateType, type TemplateVersion } from './model';

/** Variables every template may use; the outbox fills them for each message. */
export const SYSTEM_VARIABLES = ['unsubscribe_url', 'preferences_url', 'app_url'] as const;

const LIMITS = { parseLimit: 200_000, renderLimit: 2_000, memoryLimit: 5_000_000 };

function engine(escape: boolean) {
  return new Liquid({
    strictVariables: true,
    strictFilters: true,
    ownPropertyOnly: true,
    // in-memory template map with nothing in it: {% include %}, {% render %} and {% layout %} find nothing,
    // the file system is never read
    templates: {},
    relativeReference: false,
    dynamicPartials: false,
    outputEscape: escape ? 'escape' : undefined,
    ...LIMITS,
  });
}
/** HTML part: every output is HTML-escaped (a member named <script> stays text). */
const htmlLiquid = engine(true);
/** Subject and text part: no escaping. */
const textLiquid = engine(false);

export interface BuiltinTemplate {
  key: string;
  name: string;
  type: TemplateType;
  category: Category;
  variables: string[];
  subject: string;
  body: string;
  /** sample values for preview and "send a test" */
  sample: Record<string, unknown>;
}

const footer = `<mj-section><mj-column><mj-text font-size="12px" color="#6b7280">You receive this because you have an A-Cube account.
<a href="{{ preferences_url }}">Email preferences</a> · <a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text></mj-column></mj-section>`;
const wrap = (inner: string) =>
  `<mjml><mj-head><mj-attributes><mj-all font-family="Helvetica, Arial, sans-serif" /></mj-attributes></mj-head><mj-body background-color="#f4f4f5"><mj-section background-color="#ffffff"><mj-column>${inner}</mj-column></mj-section>${footer}</mj-body></mjml>`;

const member = { name: 'Asha Rao', first_name: 'Asha' };

export const BUILTIN_TEMPLATES: BuiltinTemplate[] = [
  {
    key: 'booking.confirmed',
    name: 'Booking confirmed',
    type: 'transactional',
    category: 'transactional',
    variables: ['member.name', 'member.first_name', 'booking.time', 'booking.psychologist', 'booking.mode'],
    subject: 'Your session on {{ booking.time }} is confirmed',
    body: wrap(`<mj-text font-size="20px">Hello {{ member.first_name }},</mj-text>
<mj-text>Your session with {{ booking.psychologist }} on {{ booking.time }} ({{ booking.mode }}) is confirmed.</mj-text>
<mj-button href="{{ app_url }}/bookings">See my bookings</mj-button>`),
    sample: { member, booking: { time: '2026-12-03 10:00 UTC', psychologist: 'Dr. Meera Iyer', mode: 'online' } },
  },
  {
    key: 'booking.cancelled',
    name: 'Booking cancelled',
    type: 'transactional',
    category: 'transactional',
    variables: ['member.name', 'member.first_name', 'booking.time', 'booking.psychologist', 'booking.reason'],
    subject: 'Your session on {{ booking.time }} was cancelled',
    body: wrap(`<mj-text font-size="20px">Hello {{ member.first_name }},</mj-text>
<mj-text>Your session with {{ booking.psychologist }} on {{ booking.time }} was cancelled. {{ booking.reason }}</mj-text>
<mj-button href="{{ app_url }}/psychologists">Book another time</mj-button>`),
    sample: { member, booking: { time: '2026-12-03 10:00 UTC', psychologist: 'Dr. Meera Iyer', reason: 'The psychologist is unwell.' } },
  },
  {
    key: 'event.registered',
    name: 'Event registration',
    type: 'transactional',
    category: 'transactional',
    variables: ['member.name', 'member.first_name', 'event.title', 'event.time', 'event.location', 'event.url'],
    subject: 'You are registered for {{ event.title }}',
    body: wrap(`<mj-text font-size="20px">Hello {{ member.first_name }},</mj-text>
<mj-text>You are registered for <b>{{ event.title }}</b> on {{ event.time }} ({{ event.location }}).</mj-text>
<mj-button href="{{ event.url }}">Event details</mj-button>`),
    sample: { member, event: { title: 'Sleep better workshop', time: '2026-12-10 17:00 UTC', location: 'Online', url: 'https://acube.example/events/sleep' } },
  },
  {
    key: 'event.cancelled',
    name: 'Event cancelled',
    type: 'notification',
    category: 'notifications',
    variables: ['member.name', 'member.first_name', 'event.title', 'event.time', 'event.reason'],
    subject: '{{ event.title }} is cancelled',
    body: wrap(`<mj-text font-size="20px">Hello {{ member.first_name }},</mj-text>
<mj-text><b>{{ event.title }}</b> on {{ event.time }} is cancelled. {{ event.reason }}</mj-text>
<mj-button href="{{ app_url }}/events">Other events</mj-button>`),
    sample: { member, event: { title: 'Sleep better workshop', time: '2026-12-10 17:00 UTC', reason: 'The speaker cannot attend.' } },
  },
  {
    key: 'volunteer.decided',
    name: 'Volunteer application decided',
    type: 'transactional',
    category: 'transactional',
    variables: ['member.name', 'member.first_name', 'decision', 'note'],
    subject: 'Your volunteer application: {{ decision }}',
    body: wrap(`<mj-text font-size="20px">Hello {{ member.first_name }},</mj-text>
<mj-text>Your application to volunteer with A-Cube was {{ decision }}.</mj-text>
<mj-text>{{ note }}</mj-text>`),
    sample: { member, decision: 'approved', note: 'We will call you this week to plan your first shift.' },
  },
  {
    key: 'contact.reply',
    name: 'Contact reply',
    type: 'transactional',
    category: 'transactional',
    variables: ['member.name', 'member.first_name', 'subject', 'reply'],
    subject: 'Re: {{ subject }}',
    body: wrap(`<mj-text font-size="20px">Hello {{ member.first_name }},</mj-text>
<mj-text>{{ reply | newline_to_br }}</mj-text>
<mj-text color="#6b7280">You wrote to us about "{{ subject }}".</mj-text>`),
    sample: { member, subject: 'Question about fees', reply: 'Thank you for writing.\nSessions cost ₹800.' },
  },
  {
    key: 'reengagement',
    name: 'We miss you (re-engagement)',
    type: 'marketing',
    category: 'reengagement',
    variables: ['member.name', 'member.first_name', 'recommendations'],
    subject: '{{ member.first_name }}, a few things picked for you',
    body: wrap(`<mj-text font-size="20px">Hello {{ member.first_name }},</mj-text>
<mj-text>It has been a while. Here is what is coming up on A-Cube{% if recommendations.size > 0 %}, picked for you{% endif %}:</mj-text>
<mj-text>{% for r in recommendations %}<p><a href="{{ r.url }}">{{ r.title }}</a><br/><span style="color:#6b7280">{{ r.reason }}</span></p>{% endfor %}</mj-text>
<mj-button href="{{ app_url }}">Come back to A-Cube</mj-button>`),
    sample: {
      member,
      recommendations: [
        { title: 'Sleep better workshop', url: 'https://acube.example/events/sleep', reason: 'because you read about sleep' },
        { title: 'Dr. Meera Iyer', url: 'https://acube.example/psychologists/meera', reason: 'in your city, Pune' },
      ],
    },
  },
];

export function builtinTemplate(key: string): BuiltinTemplate | undefined {
  return BUILTIN_TEMPLATES.find((t) => t.key === key);
}

/** A clear error naming the problem; thrown at save time so a broken template never reaches the outbox. */
function invalid(message: string, field: 'subject' | 'body'): never {
  throw new AppError('BAD_REQUEST', message, { field });
}

/** Is `path` (e.g. "member.name", "recommendations[0].title") covered by a declared variable? */
function declared(path: string, allowed: readonly string[]): boolean {
  const norm = path.replace(/\[[^\]]*\]/g, '');
  return allowed.some((a) => norm === a || norm.startsWith(`${a}.`) || a.startsWith(`${norm}.`));
}

function checkLiquid(source: string, field: 'subject' | 'body', allowed: readonly string[]) {
  let tpl;
  try {
    tpl = textLiquid.parse(source);
  } catch (e) {
    invalid(`${field === 'subject' ? 'Subject' : 'Body'}: ${(e as Error).message}`, field);
  }
  const all = textLiquid.globalFullVariablesSync(tpl);
  // declared `member` covers member.name, never member.constructor: no way towards prototypes, even by name
  const forbidden = all.filter((v) => /(^|\.|\[)\s*['"]?(constructor|__proto__|prototype)\b/.test(v));
  if (forbidden.length) invalid(`${field === 'subject' ? 'Subject' : 'Body'}: not allowed: ${forbidden.join(', ')}`, field);
  const unknown = all.filter((v) => !declared(v, allowed));
  if (unknown.length) {
    invalid(
      `${field === 'subject' ? 'Subject' : 'Body'}: unknown variable${unknown.length > 1 ? 's' : ''} ${[...new Set(unknown)].join(', ')} (declared: ${allowed.join(', ')})`,
      field,
    );
  }
}

export interface CompiledTemplate {
  html: string;
  text: string;
}

/** Checks and compiles a template version (the save-time validation). */
export async function compileTemplate(subject: string, body: string, variables: readonly string[]): Promise<CompiledTemplate> {
  const allowed = [...variables, ...SYSTEM_VARIABLES];
  if (!subject.trim()) invalid('Subject: empty', 'subject');
  checkLiquid(subject, 'subject', allowed);
  checkLiquid(body, 'body', allowed);
  const source = body.trim().startsWith('<mjml') ? body : wrap(body);
  let out;
  try {
    // ignoreIncludes: <mj-include path=…> would read files from the server's disk
    out = await mjml2html(source, { validationLevel: 'strict', fonts: {}, keepComments: false, ignoreIncludes: true });
  } catch (e) {
    invalid(
      `Layout (MJML): ${(e as Error).message
        .replace(/Line (\d+) of \S+ /g, 'Line $1 ')
        .split('\n')
        .filter(Boolean)
        .slice(0, 4)
        .join(' ')}`,
      'body',
    );
  }
  const text = convert(out.html, {
    wordwrap: 100,
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    ],
  });
  // the generated text must still be valid Liquid (html-to-text keeps the tags as text)
  checkLiquid(text, 'body', allowed);
  return { html: out.html, text };
}

export interface RenderedMessage {
  subject: string;
  html: string;
  text: string;
}

/** Parsed templates by source (a version's sources never change): a send renders, it does not parse again. */
const parsed = new Map<string, ReturnType<Liquid['parse']>>();
function parseCached(engine: Liquid, kind: 'h' | 't', source: string) {
  const key = kind + source;
  let tpl = parsed.get(key);
  if (!tpl) {
    tpl = engine.parse(source);
    if (parsed.size >= 300) parsed.delete(parsed.keys().next().value!);
    parsed.set(key, tpl);
  }
  return tpl;
}

export async function renderSubject(subject: string, vars: Record<string, unknown>): Promise<string> {
  return String(await textLiquid.render(parseCached(textLiquid, 't', subject), vars))
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
}

export async function renderVersion(v: Pick<TemplateVersion, 'subject' | 'html' | 'text'>, vars: Record<string, unknown>): Promise<RenderedMessage> {
  const [subject, body] = await Promise.all([renderSubject(v.subject, vars), renderBody(v, vars)]);
  return { subject, ...body };
}

/** The HTML and text parts only (the outbox sends the subject rendered at enqueue). */
export async function renderBody(v: Pick<TemplateVersion, 'html' | 'text'>, vars: Record<string, unknown>): Promise<{ html: string; text: string }> {
  const [html, text] = await Promise.all([
    htmlLiquid.render(parseCached(htmlLiquid, 'h', v.html), vars),
    textLiquid.render(parseCached(textLiquid, 't', v.text), vars),
  ]);
  return { html: String(html), text: String(text) };
}

/** Creates the built-in templates that do not exist yet (version 1, saved by the system). */
export async function ensureBuiltinTemplates(db: Db): Promise<number> {
  const have = new Set(
    (
      await ms
        .templates(db)
        .find({}, { projection: { _id: 1 } })
        .toArray()
    ).map((t) => t._id),
  );
  let n = 0;
  for (const b of BUILTIN_TEMPLATES) {
    if (have.has(b.key)) continue;
    const c = await compileTemplate(b.subject, b.body, b.variables);
    const now = new Date();
    try {
      await ms.templates(db).insertOne({
        _id: b.key,
        name: b.name,
        type: b.type,
        category: b.category,
        builtin: true,
        variables: b.variables,
        current: 1,
        versions: [
          { version: 1, subject: b.subject, body: b.body, html: c.html, text: c.text, variables: b.variables, savedAt: now, savedBy: null, note: 'Built-in' },
        ],
        createdAt: now,
        updatedAt: now,
      });
      n++;
    } catch (e) {
      if ((e as { code?: number }).code !== 11000) throw e; // another instance made it first
    }
  }
  return n;
}

export async function getTemplate(db: Db, key: string): Promise<TemplateDoc> {
  await ensureBuiltinTemplates(db);
  const t = await ms.templates(db).findOne({ _id: key });
  if (!t) throw new AppError('NOT_FOUND', `No template "${key}".`);
  return t;
}

export function versionOf(t: TemplateDoc, version?: number | null): TemplateVersion {
  const v = t.versions.find((x) => x.version === (version ?? t.current));
  if (!v) throw new AppError('NOT_FOUND', `Template "${t._id}" has no version ${version}.`);
  return v;
}

/** Sample variables for previews: the built-in's samples, else a placeholder per declared variable. */
export function sampleVars(t: Pick<TemplateDoc, '_id' | 'variables'>): Record<string, unknown> {
  const b = builtinTemplate(t._id);
  const out: Record<string, unknown> = b ? structuredClone(b.sample) : {};
  for (const v of t.variables) {
    const parts = v.split('.');
    let o = out as Record<string, unknown>;
    for (let i = 0; i < parts.length - 1; i++) o = (o[parts[i]!] ??= {}) as Record<string, unknown>;
    o[parts[parts.length - 1]!] ??= `[${v}]`;
  }
  return out;
}
