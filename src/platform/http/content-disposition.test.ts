/** The Content-Disposition of a download: any file name becomes a header Node accepts, and a client reads the name back (RFC 6266, RFC 8187). */
import { parse } from 'content-disposition';
import { describe, expect, it } from 'vitest';
import { asciiFallback, attachmentDisposition } from './content-disposition.ts';

describe('attachmentDisposition', () => {
  it.each([
    // name given, the header, the name a client reads back (filename* where present)
    ['plain.pdf', 'attachment; filename=plain.pdf', 'plain.pdf'],
    ['earnings-ptr_01jd9x0a8q.csv', 'attachment; filename=earnings-ptr_01jd9x0a8q.csv', 'earnings-ptr_01jd9x0a8q.csv'],
    ['register extract.pdf', 'attachment; filename="register extract.pdf"', 'register extract.pdf'],
    ['Ausweis-Jürgen-王.pdf', "attachment; filename=Ausweis-Jurgen-_.pdf; filename*=UTF-8''Ausweis-J%C3%BCrgen-%E7%8E%8B.pdf", 'Ausweis-Jürgen-王.pdf'],
    ['Jürgen.pdf', "attachment; filename=Jurgen.pdf; filename*=UTF-8''J%C3%BCrgen.pdf", 'Jürgen.pdf'],
    ['€ rates.csv', `attachment; filename="_ rates.csv"; filename*=UTF-8''%E2%82%AC%20rates.csv`, '€ rates.csv'],
    ['😀.png', "attachment; filename=_.png; filename*=UTF-8''%F0%9F%98%80.png", '😀.png'],
    ['Vertrag "final".pdf', 'attachment; filename="Vertrag \\"final\\".pdf"', 'Vertrag "final".pdf'],
    ['back\\slash.pdf', 'attachment; filename="back\\\\slash.pdf"', 'back\\slash.pdf'],
    ['a;b=c.pdf', 'attachment; filename="a;b=c.pdf"', 'a;b=c.pdf'],
    ['100%25.pdf', "attachment; filename=100%25.pdf; filename*=UTF-8''100%2525.pdf", '100%25.pdf'],
    // control characters (a line break, a tab, DEL, C1) are never part of a name sent
    ['line\r\nbreak.pdf', 'attachment; filename=line__break.pdf', 'line__break.pdf'],
    ['tab\there\u007f\u0085.pdf', 'attachment; filename=tab_here__.pdf', 'tab_here__.pdf'],
    ['', 'attachment; filename=download', 'download'],
    ['  ', 'attachment; filename=download', 'download'],
  ])('%j', (name, header, readBack) => {
    const value = attachmentDisposition(name);
    expect(value).toBe(header);
    // a valid header value for Node (no ERR_INVALID_CHAR): printable US-ASCII only
    expect(value).toMatch(/^[\x20-\x7e]*$/);
    expect(parse(value)).toEqual({ type: 'attachment', parameters: { filename: readBack } });
  });

  it('the ASCII fallback keeps letters without their accents and replaces the rest', () => {
    expect(asciiFallback('Ångström-Œuvre-ﬁle-Straße.pdf')).toBe('Angstrom-_uvre-file-Stra_e.pdf');
    expect(asciiFallback('王.pdf')).toBe('_.pdf');
  });
});
