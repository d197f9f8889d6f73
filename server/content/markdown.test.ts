import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown';

/** Hostile inputs: none may leave an executable or script-carrying construct in the rendered HTML. */
const HOSTILE: string[] = [
  '<script>alert(1)</script>',
  'text <script src="https://evil.example/x.js"></script> more',
  '<SCRIPT>alert(1)</SCRIPT>',
  '<<script>script>alert(1)<</script>/script>',
  '[click](javascript:alert(1))',
  '[click](JaVaScRiPt:alert(1))',
  '[click](  javascript:alert(1))',
  '<a href="java&#09;script:alert(1)">tab</a>',
  '<a href="&#106;avascript:alert(1)">entity</a>',
  '[x](vbscript:msgbox(1))',
  '![img](javascript:alert(1))',
  '<img src=x onerror=alert(1)>',
  '<img src="https://ok.example/a.png" onload="alert(1)">',
  '<p onclick="alert(1)">hi</p>',
  '<div><p><span onmouseover="alert(1)">nested</span></p></div>',
  '<svg onload=alert(1)><circle/></svg>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>',
  '![data](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)',
  '[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '<a href="data:text/html,<script>alert(1)</script>">d</a>',
  '<iframe src="https://evil.example"></iframe>',
  '<object data="x.swf"></object><embed src="x.swf">',
  '<form action="https://evil.example"><input name=a><button>go</button></form>',
  '<style>body{background:url(javascript:alert(1))}</style>',
  '<p style="background:url(javascript:alert(1))">styled</p>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<base href="javascript:alert(1)//">',
  '<details open ontoggle=alert(1)>',
  '<a href="//evil.example/x">protocol-relative</a>',
  '```html\n<script>alert(1)</script>\n```',
  '<div>\n\n**bold** <img src=x onerror="alert(1)">\n\n</div>',
];

const DANGER = [
  /<script/i,
  /javascript:/i,
  /vbscript:/i,
  /\son[a-z]+\s*=/i,
  /data:/i,
  /<iframe/i,
  /<object/i,
  /<embed/i,
  /<svg/i,
  /<math/i,
  /<style/i,
  /style=/i,
  /<form/i,
  /<input/i,
  /<meta/i,
  /<base/i,
  /href="\/\//i,
];

describe('markdown sanitising', () => {
  for (const input of HOSTILE) {
    it(`neutralises ${JSON.stringify(input).slice(0, 70)}`, () => {
      const html = renderMarkdown(input);
      for (const d of DANGER) expect(html, `${d} in ${html}`).not.toMatch(d);
    });
  }

  it('keeps ordinary Markdown', () => {
    const html = renderMarkdown(
      '# Title\n\nSome **bold** and _em_ and [a link](https://acube.example/x).\n\n- one\n- two\n\n![cover](https://cdn.example/c.png)',
    );
    expect(html).toContain('<h1>Title</h1>');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<em>em</em>');
    expect(html).toContain('href="https://acube.example/x"');
    expect(html).toContain('rel="noopener noreferrer nofollow"');
    expect(html).toContain('<li>one</li>');
    expect(html).toContain('src="https://cdn.example/c.png"');
  });

  it('shows code as text, escaped', () => {
    const html = renderMarkdown('```html\n<script>alert(1)</script>\n```');
    expect(html).toContain('&lt;script&gt;');
  });
});
