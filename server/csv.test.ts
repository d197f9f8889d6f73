import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { ObjectId } from 'mongodb';
import { csvCell, csvLine, csvTable } from './csv';
import { csvHeader, csvRows } from './export/csv';

const parseCsv = (text: string): string[][] => parse(text, { relax_column_count: false });

describe('shared CSV cell encoder', () => {
  it('formats dates as ISO UTC, ids as hex, arrays as JSON, numbers and booleans as they are', () => {
    expect(csvCell(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)))).toBe('2026-01-02T03:04:05.000Z');
    expect(csvCell(new ObjectId('65a000000000000000000001'))).toBe('65a000000000000000000001');
    expect(csvCell(['a', 'b'])).toBe('"[""a"",""b""]"');
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(true)).toBe('true');
    expect(csvCell(null)).toBe('');
  });

  it('quotes a bare LF or CR, not only CRLF (the formula on the next line must not become a row of its own)', () => {
    const cell = "Harmless\n=cmd|' /C calc'!A0";
    expect(csvCell(cell)).toBe(`"Harmless\n=cmd|' /C calc'!A0"`);
    expect(csvCell('a\rb')).toBe('"a\rb"');
    const rows = parseCsv(csvRows([{ a: cell, b: 'x' }], ['a', 'b']));
    expect(rows).toEqual([[cell, 'x']]);
  });

  // Every formula prefix, at the start and after each kind of line break, round-trips through a real
  // CSV parser as the same record count, and every parsed cell that starts a formula starts with '.
  const PREFIXES = ['=', '+', '-', '@', '\t', '\r'];
  const BREAKS = ['\n', '\r', '\r\n'];
  const PAYLOADS = [
    ...PREFIXES.map((p) => `${p}HYPERLINK("http://evil.example","x")`),
    ...PREFIXES.flatMap((p) => BREAKS.map((b) => `Harmless${b}${p}cmd|' /C calc'!A0`)),
    '=1,2',
    'say "hi"',
    '+SUM(1,2)',
    '-2+3',
    '@SUM(A1)',
    'plain',
    '',
  ];

  it('round-trips every formula prefix and CR/LF as inert text (csv-parse)', () => {
    const table = [['name', 'city'], ...PAYLOADS.map((p, i) => [p, `row ${i}`])];
    const text = csvTable(table);
    const parsed = parseCsv(text);
    expect(parsed).toHaveLength(table.length);
    for (let i = 1; i < table.length; i++) {
      const original = table[i]![0]!;
      const got = parsed[i]![0]!;
      expect(parsed[i]![1]).toBe(`row ${i - 1}`);
      if (/^[=+\-@\t\r]/.test(original)) expect(got).toBe(`'${original}`);
      else expect(got).toBe(original);
      // No record a spreadsheet reads may begin with a live formula character.
      expect(got).not.toMatch(/^[=+\-@\t\r]/);
    }
    // Each physical record starts a line only after CRLF outside quotes; all line breaks inside cells are quoted.
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('keeps numbers numeric and header cells neutralised too', () => {
    expect(csvLine(['=a', -1, 1.5])).toBe(`'=a,-1,1.5\r\n`);
    expect(csvHeader(['@x', 'ok'])).toBe(`'@x,ok\r\n`);
  });
});
