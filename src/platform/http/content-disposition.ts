/**
 * The Content-Disposition of a download (RFC 6266), written once for every route that answers a
 * file. A file name is whatever a person or a partner gave it — `Ausweis-Jürgen-王.pdf`, a quote,
 * a line break — and an HTTP header holds only Latin-1 without control characters: written raw,
 * Node refuses the header (ERR_INVALID_CHAR, a 500) or a quote ends the name early. The
 * `content-disposition` package writes the name as `filename*=UTF-8''…` (RFC 8187) with a
 * quoted US-ASCII `filename=` beside it for clients that do not read the extended form.
 */
import { create } from 'content-disposition';

/** Control characters (C0, DEL, C1) belong in no file name; a line break in one is never meant. */
const CONTROL = /\p{Cc}/gu;
/** combining marks, dropped from the ASCII fallback after decomposition (ü → u) */
const MARKS = /\p{M}/gu;
/** what a quoted ASCII file name cannot carry well: anything outside printable US-ASCII */
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/gu;

/** The name as sent: control characters become `_`, and a name left empty is `download`. */
function cleanName(filename: string): string {
  const name = filename.replace(CONTROL, '_').trim();
  return name === '' ? 'download' : name;
}

/** The US-ASCII `filename=` for clients without RFC 8187: accents dropped (Jürgen → Jurgen), any other character `_`. */
export function asciiFallback(filename: string): string {
  return cleanName(filename).normalize('NFKD').replace(MARKS, '').replace(NOT_PRINTABLE_ASCII, '_');
}

/** `attachment; filename="…"; filename*=UTF-8''…` for a download named `filename`. */
export function attachmentDisposition(filename: string): string {
  const name = cleanName(filename);
  const fallback = asciiFallback(name);
  // an ASCII name keeps the package's own fallback rule, which adds filename* when the name holds a
  // %XX that some clients would decode (RFC 6266 §4.3)
  return create(name, { type: 'attachment', ...(fallback === name ? {} : { fallback }) });
}
