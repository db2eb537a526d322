/**
 * One layout for every message Partnergate sends: a greeting, a few plain sentences, one button
 * (and the same link written out, for text-only readers), and why the reader got it. The text and
 * the HTML say the same thing; everything interpolated into the HTML is escaped.
 */
import type { MailMessage } from './mailer.ts';

export interface MailContent {
  to: string;
  subject: string;
  /** the first line, e.g. "Hello Ada," */
  greeting: string;
  /** paragraphs of plain text */
  paragraphs: string[];
  action?: { label: string; url: string };
  /** why the reader gets this message, and how to stop it */
  footer: string;
  /** a partner's brand for its people or customers: its name and logo on top, its colour on the button, "powered by" the provider below */
  brand?: MailBrand | null;
}

export interface MailBrand {
  name: string;
  /** #rrggbb, readable with white text (checked when the partner saved it) */
  color: string | null;
  /** an absolute https address of the logo, or null */
  logoUrl: string | null;
  poweredBy: string;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function renderMail(c: MailContent): MailMessage {
  const b = c.brand ?? null;
  const color = b?.color && /^#[0-9a-fA-F]{6}$/.test(b.color) ? b.color : '#1c7ed6';
  const text = [
    ...(b ? [b.name, ''] : []),
    c.greeting,
    '',
    ...c.paragraphs.flatMap((p) => [p, '']),
    ...(c.action ? [`${c.action.label}: ${c.action.url}`, ''] : []),
    '—',
    c.footer,
    ...(b ? ['', `Powered by ${b.poweredBy}`] : []),
  ].join('\n');
  const header = b
    ? `<p style="margin:0 0 20px;padding-bottom:12px;border-bottom:3px solid ${color}">${b.logoUrl ? `<img src="${escapeHtml(b.logoUrl)}" alt="" height="32" style="height:32px;vertical-align:middle;margin-right:10px">` : ''}<strong style="font-size:17px;color:${color};vertical-align:middle">${escapeHtml(b.name)}</strong></p>`
    : '';
  const button = c.action
    ? `<p style="margin:24px 0"><a href="${escapeHtml(c.action.url)}" style="background:${color};color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none;font-weight:600">${escapeHtml(c.action.label)}</a></p>` +
      `<p style="color:#555;font-size:13px">Or open this link: <a href="${escapeHtml(c.action.url)}">${escapeHtml(c.action.url)}</a></p>`
    : '';
  const powered = b ? `<p style="color:#777;font-size:12px">Powered by ${escapeHtml(b.poweredBy)}</p>` : '';
  const html =
    `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#222;max-width:560px;margin:auto;padding:24px">` +
    `${header}<p>${escapeHtml(c.greeting)}</p>${c.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('')}${button}` +
    `<hr style="border:none;border-top:1px solid #ddd;margin:24px 0"><p style="color:#777;font-size:12px">${escapeHtml(c.footer)}</p>${powered}</body></html>`;
  return { to: c.to, subject: c.subject, text, html };
}
