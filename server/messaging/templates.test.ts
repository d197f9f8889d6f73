import { describe, expect, it } from 'vitest';
import { BUILTIN_TEMPLATES, compileTemplate, renderVersion, sampleVars } from './templates';

const save = (body: string, vars = ['member.name'], subject = 'Hi {{ member.name }}') => compileTemplate(subject, body, vars);

describe('template validation at save time', () => {
  it('refuses an unknown variable with a clear message', async () => {
    await expect(save('<mj-text>{{ member.nmae }}</mj-text>')).rejects.toThrow(/unknown variable member\.nmae/);
    await expect(save('<mj-text>x</mj-text>', ['member.name'], 'Hi {{ nobody }}')).rejects.toThrow(/Subject: unknown variable nobody/);
  });
  it('refuses syntax errors and unknown filters', async () => {
    await expect(save('<mj-text>{% if member.name %}</mj-text>')).rejects.toThrow(/Body: .*not closed/);
    await expect(save('<mj-text>{{ member.name | shell }}</mj-text>')).rejects.toThrow(/undefined filter: shell/);
  });
  it('refuses invalid MJML', async () => {
    await expect(save('<mj-nope>x</mj-nope>')).rejects.toThrow(/Layout \(MJML\).*mj-nope/);
    await expect(save('<mj-button bogus="1">x</mj-button>')).rejects.toThrow(/Attribute bogus is illegal/);
  });
  it('compiles every built-in template, and renders it with its sample data (HTML and text part)', async () => {
    for (const b of BUILTIN_TEMPLATES) {
      const c = await compileTemplate(b.subject, b.body, b.variables);
      const r = await renderVersion(
        { subject: b.subject, ...c },
        {
          ...sampleVars({ _id: b.key, variables: b.variables }),
          app_url: 'https://a.test',
          preferences_url: 'https://a.test/p',
          unsubscribe_url: 'https://a.test/u',
        },
      );
      expect(r.subject.length, b.key).toBeGreaterThan(3);
      expect(r.html, b.key).toContain('<!doctype html>');
      expect(r.text, b.key).toContain('Asha');
      expect(r.html, b.key).not.toContain('fonts.googleapis.com');
    }
  });
});

describe('sandbox: no process, prototype or file system through any template', () => {
  const attempts = [
    '{{ process.env }}',
    '{{ member.constructor }}',
    '{{ member.__proto__ }}',
    '{% include "/etc/passwd" %}',
    '{% render "../../package.json" %}',
    '{% layout "/etc/hosts" %}',
  ];
  it('ignores <mj-include> (no file is read into the message)', async () => {
    const c = await save('<mj-include path="/etc/passwd" /><mj-text>ok</mj-text>').catch((e: Error) => e);
    if (c instanceof Error) return expect(c.message).not.toMatch(/root:/);
    expect(c.html).not.toMatch(/root:x:0/);
  });
  for (const a of attempts) {
    it(`refuses ${a} at save time`, async () => {
      await expect(save(`<mj-text>${a}</mj-text>`, ['member'])).rejects.toThrow();
    });
  }
  it('even a declared variable does not reach prototypes or globals at render time', async () => {
    const c = await compileTemplate('s', '<mj-text>[{{ member.constructor.name }}][{{ member.toString }}]</mj-text>', ['member']).catch((e) => e);
    // declared `member` covers member.constructor statically; at render, own properties only: strict error
    if (c instanceof Error) return;
    await expect(renderVersion({ subject: 's', ...c }, { member: { name: 'x' } })).rejects.toThrow(/undefined variable/);
  });
  it('escapes member data in HTML but not in the text part', async () => {
    const c = await compileTemplate('{{ member.name }}', '<mj-text>{{ member.name }}</mj-text>', ['member.name']);
    const r = await renderVersion(
      { subject: '{{ member.name }}', ...c },
      { member: { name: '<img src=x onerror=alert(1)>' }, app_url: 'a', preferences_url: 'p', unsubscribe_url: 'u' },
    );
    expect(r.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(r.html).not.toContain('<img src=x');
    expect(r.text).toContain('<img src=x onerror=alert(1)>');
    expect(r.subject).toBe('<img src=x onerror=alert(1)>');
  });
});
