import { randomUUID } from 'node:crypto';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import mimeFuncs from 'nodemailer/lib/mime-funcs/index.js';
import qp from 'nodemailer/lib/qp/index.js';
import type { RenderedEmail } from './render-activation-email.js';

/*
 * The activation email as MIME, built here instead of by nodemailer's
 * composer (MailComposer, mime-node, header normalisation, streams), which
 * cost 10-15 % of the main thread per registration. Every activation email
 * has one shape, multipart/alternative with a text and an HTML part, so the
 * message is a few string joins; the encoders (quoted-printable, RFC 2047
 * words, header folding) are still nodemailer's own.
 *
 * Only what needs no judgement takes this path: a sender and a recipient
 * whose addresses are plain ASCII (the sender's display name may be any
 * text: it is encoded once per mailer) and a printable ASCII subject.
 * Anything else (an internationalized address, a control character)
 * returns null and nodemailer composes that message as before, sanitizing
 * as it does, so CR and LF never reach a header written here.
 */

/** The sender, prepared once per mailer: the From header's value and the envelope's address. */
export interface MimeSender {
  /** The From header's value, display name encoded as nodemailer encodes it. */
  readonly header: string;
  /** MAIL FROM. */
  readonly address: string;
  /** The right-hand side of Message-ID, as nodemailer takes it. */
  readonly domain: string;
}

/** A message for nodemailer's `sendMail`: it only runs the SMTP exchange (and dot-stuffs). */
export interface MimeMessage {
  readonly envelope: { readonly from: string; readonly to: string[] };
  readonly messageId: string;
  readonly raw: string;
}

/**
 * An address that goes into a header as it is: a dot-atom local part
 * (RFC 5322 atext) and a host name. Every address the email schema accepts
 * is one (its domains are already punycode).
 */
const PLAIN_ADDRESS =
  /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*$/;
/** RFC 5321's limit for a path is 256 octets with its angle brackets. */
const MAX_ADDRESS = 254;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const CONTROL = /\p{Cc}/u;
/** RFC 5322's limit; beyond it a server may cut the line. */
const MAX_LINE = 998;

/**
 * `name: value` folded where nodemailer folds headers, or null when a line
 * would still pass 998 octets (a long word without spaces cannot be folded).
 */
function foldHeader(name: string, value: string): string | null {
  const folded = mimeFuncs.foldLines(`${name}: ${value}`, 76);
  return folded.split('\r\n').some((line) => line.length > MAX_LINE) ? null : folded;
}

/** The address as nodemailer writes it (the domain lower-cased), or null when it is not plain. */
function plainAddress(address: string): string | null {
  if (address.length > MAX_ADDRESS || !PLAIN_ADDRESS.test(address)) return null;
  const at = address.lastIndexOf('@');
  return `${address.slice(0, at)}${address.slice(at).toLowerCase()}`;
}

/**
 * nodemailer's choice between Q and B encoded-words (MimeNode's
 * _getTextEncoding): Q while the name is mostly Latin letters, B otherwise.
 * It counts control characters with the non-ASCII ones; a name here has none.
 */
function wordEncoding(value: string): 'Q' | 'B' {
  const other = value.match(/[\u0080-\uffff]/g)?.length ?? 0;
  const latin = value.match(/[a-z]/gi)?.length ?? 0;
  return other < latin ? 'Q' : 'B';
}

/** A display name as nodemailer writes it (MimeNode's _encodeAddressName). */
function displayName(name: string): string {
  if (/^[\w ]*$/.test(name)) return name;
  if (PRINTABLE_ASCII.test(name)) return `"${name.replace(/([\\"])/g, '\\$1')}"`;
  return mimeFuncs.encodeWord(name, wordEncoding(name), 52);
}

/**
 * `from` (MAIL_FROM: `name <address>` or a bare address) ready for
 * composeMime, or null when nodemailer should compose every message: not
 * exactly one plain address, or a control character anywhere (config
 * refuses CR and LF, but a library user may pass anything).
 */
export function mimeSender(from: string): MimeSender | null {
  if (CONTROL.test(from)) return null;
  const parsed = addressparser(from, { flatten: true });
  if (parsed.length !== 1 || !parsed[0]) return null;
  const address = plainAddress(parsed[0].address);
  if (!address) return null;
  const value = parsed[0].name ? `${displayName(parsed[0].name)} <${address}>` : address;
  const header = foldHeader('From', value)?.slice('From: '.length);
  if (!header) return null;
  return { header, address, domain: address.slice(address.lastIndexOf('@') + 1) };
}

/**
 * A part's body and transfer encoding. Line breaks become CRLF first, the
 * canonical form (the parts are rendered with LF). 7bit only for ASCII with
 * lines of at most 76 characters, nodemailer's rule; otherwise
 * quoted-printable, wrapped at 76. The activation email's parts have longer
 * lines, so they are quoted-printable.
 */
function encodeBody(content: string): { encoding: string; body: string } {
  const crlf = content.replace(/\r\n|\r|\n/g, '\r\n');
  if (mimeFuncs.isPlainText(crlf) && !mimeFuncs.hasLongerLines(crlf, 76)) {
    return { encoding: '7bit', body: crlf };
  }
  return { encoding: 'quoted-printable', body: qp.wrap(qp.encode(crlf), 76) };
}

/**
 * The email as one RFC 5322 message with CRLF line endings, and its
 * envelope; null when nodemailer should compose it (see the top of this
 * file). Lines are at most 78 octets, except where an address or a word
 * without spaces is longer, and never over 998. Not dot-stuffed:
 * nodemailer's SMTP connection does that for raw messages too (its
 * DataStream), so it must not be done twice.
 */
export function composeMime(
  email: RenderedEmail,
  sender: MimeSender,
  date: Date,
): MimeMessage | null {
  const to = plainAddress(email.to);
  if (!to || !PRINTABLE_ASCII.test(email.subject)) return null;
  const subject = foldHeader('Subject', email.subject);
  if (!subject) return null;
  const messageId = `<${randomUUID()}@${sender.domain}>`;
  // `=_` cannot occur in quoted-printable (an `=` there is followed by hex
  // or a line break), and 122 random bits do not occur in a 7bit part.
  const boundary = `=_${randomUUID()}`;
  const text = encodeBody(email.text);
  const html = encodeBody(email.html);
  const raw =
    `From: ${sender.header}\r\n` +
    `To: ${to}\r\n` +
    `${subject}\r\n` +
    `Message-ID: ${messageId}\r\n` +
    `Date: ${date.toUTCString().replace('GMT', '+0000')}\r\n` +
    'MIME-Version: 1.0\r\n' +
    `Content-Type: multipart/alternative;\r\n boundary="${boundary}"\r\n` +
    '\r\n' +
    `--${boundary}\r\n` +
    'Content-Type: text/plain; charset=utf-8\r\n' +
    `Content-Transfer-Encoding: ${text.encoding}\r\n` +
    '\r\n' +
    `${text.body}\r\n` +
    `--${boundary}\r\n` +
    'Content-Type: text/html; charset=utf-8\r\n' +
    `Content-Transfer-Encoding: ${html.encoding}\r\n` +
    '\r\n' +
    `${html.body}\r\n` +
    `--${boundary}--\r\n`;
  return { envelope: { from: sender.address, to: [to] }, messageId, raw };
}
