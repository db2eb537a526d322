/** What a person reads of a server problem, in English, French and German: validator wordings as sentences, never as they came. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createIntl } from 'react-intl';
import { ApiError } from '../api/errors.ts';
import { errorMessage, fieldLabel, fieldMessages, fieldSentence } from './messages.ts';

function intlIn(locale: 'en' | 'fr' | 'de') {
  const messages = JSON.parse(readFileSync(new URL(`../i18n/messages/${locale}.json`, import.meta.url), 'utf8')) as Record<string, string>;
  return createIntl({ locale, messages, defaultLocale: 'en', onError: (e) => { throw e; } });
}

const en = intlIn('en');
const fr = intlIn('fr');
const de = intlIn('de');

function validation(errors: { pointer: string; detail: string }[]): ApiError {
  return new ApiError({ status: 400, code: 'validation_failed', title: 'Validation failed', detail: 'Request validation failed', errors });
}

describe('a field’s validator wording becomes a sentence in the reader’s language', () => {
  it.each([
    ['must NOT have fewer than 10 characters', 'must be at least 10 characters', 'doit comporter au moins 10 caractères', 'muss mindestens 10 Zeichen lang sein'],
    ['must NOT have fewer than 1 characters', 'is required', 'est obligatoire', 'ist erforderlich'],
    ['must NOT have more than 1 characters', 'must be at most 1 character', 'doit comporter au plus 1 caractère', 'darf höchstens 1 Zeichen lang sein'],
    ['must NOT have fewer than 1 items', 'needs at least one choice', 'nécessite au moins un choix', 'braucht mindestens eine Auswahl'],
    ['must NOT have more than 3 items', 'allows at most 3 choices', 'permet au plus 3 choix', 'erlaubt höchstens 3 Auswahlen'],
    ['must match format "email"', 'must be an email address', 'doit être une adresse e-mail', 'muss eine E-Mail-Adresse sein'],
    ['must match format "date-time"', 'must be a date and time', 'doit être une date et une heure', 'muss ein Datum mit Uhrzeit sein'],
    ['must match format "ipv4"', 'must be in the expected format', 'doit être au format attendu', 'muss im erwarteten Format sein'],
    ['must match pattern "^https?://"', 'must start with http:// or https://', 'doit commencer par http:// ou https://', 'muss mit http:// oder https:// beginnen'],
    ['must match pattern "^[a-z0-9-]+$"', 'is not in the expected format', 'n’est pas au format attendu', 'hat nicht das erwartete Format'],
    ['must be <= 1000', 'must be at most 1,000', 'doit être au plus 1 000', 'muss höchstens 1.000 sein'],
    ['must be > 0', 'must be more than 0', 'doit être supérieur à 0', 'muss größer als 0 sein'],
    ['must be integer', 'must be a number', 'doit être un nombre', 'muss eine Zahl sein'],
    ['must be equal to one of the allowed values', 'is not one of the choices', 'ne fait pas partie des choix proposés', 'ist keine der angebotenen Optionen'],
    ['must have required property \'slug\'', 'is required', 'est obligatoire', 'ist erforderlich'],
    ['must NOT have additional properties', 'is not a field this form sends', 'n’est pas un champ que ce formulaire envoie', 'ist kein Feld, das dieses Formular sendet'],
    ['should be something odd', 'is not valid', 'n’est pas valide', 'ist ungültig'],
  ])('%s', (detail, wantEn, wantFr, wantDe) => {
    expect(fieldSentence(en, detail).replace(/\u202f|\u00a0/g, ' ')).toBe(wantEn);
    expect(fieldSentence(fr, detail).replace(/\u202f|\u00a0/g, ' ')).toBe(wantFr);
    expect(fieldSentence(de, detail).replace(/\u202f|\u00a0/g, ' ')).toBe(wantDe);
  });

  it('a sentence of the server’s own about the field is shown as it came', () => {
    expect(fieldSentence(fr, 'Already taken by another partner')).toBe('Already taken by another partner');
  });

  it('keyed by form path, starting with a capital, the first problem of a field only', () => {
    const err = validation([
      { pointer: '/body/owner/email', detail: 'must match format "email"' },
      { pointer: '/body/owner/email', detail: 'must NOT have more than 200 characters' },
      { pointer: '/body/slug', detail: 'must match pattern "^[a-z]+$"' },
    ]);
    expect(fieldMessages(de, err)).toEqual({ 'owner.email': 'Muss eine E-Mail-Adresse sein', slug: 'Hat nicht das erwartete Format' });
  });
});

describe('a field without a label of the form’s is named from its path, in the reader’s words', () => {
  it.each([
    ['owner.email', 'Email (owner)', 'Email (owner)'],
    ['contacts.0.email', 'Email (contacts, number 1)', 'Email (contacts, n° 1)'],
    ['tenant_id', 'Tenant', 'Tenant'],
  ])('%s', (key, wantEn, wantFr) => {
    expect(fieldLabel(en, key)).toBe(wantEn);
    expect(fieldLabel(fr, key)).toBe(wantFr);
  });

  it('the form’s label wins', () => {
    expect(fieldLabel(fr, 'owner.email', { 'owner.email': 'votre e-mail' })).toBe('Votre e-mail');
  });
});

describe('a whole-request problem', () => {
  it('a validation failure lists its fields', () => {
    const err = validation([{ pointer: '/body/name', detail: 'must NOT have fewer than 1 characters' }]);
    expect(errorMessage(en, err)).toBe('Please check Name: is required.');
    expect(errorMessage(fr, err)).toBe('Veuillez vérifier : Name : est obligatoire.');
  });

  it('a code about the protocol is the portal’s sentence', () => {
    const err = new ApiError({ status: 429, code: 'rate_limited', title: 'Too Many Requests', detail: 'Rate limit exceeded' }, { asked: 'de', answered: null });
    expect(errorMessage(de, err)).toBe('Zu viele Versuche in kurzer Zeit. Warten Sie eine Minute und versuchen Sie es erneut.');
  });

  it('another code: the server’s detail when it is in the reader’s language, else its title (which always is)', () => {
    const problem = { status: 401, code: 'invalid_credentials', title: 'L’e-mail ou le mot de passe est incorrect', detail: 'Email or password is wrong' };
    expect(errorMessage(fr, new ApiError(problem, { asked: 'fr', answered: null }))).toBe('L’e-mail ou le mot de passe est incorrect');
    expect(errorMessage(fr, new ApiError({ ...problem, detail: 'Mot de passe incorrect.' }, { asked: 'fr', answered: 'fr' }))).toBe('Mot de passe incorrect.');
    expect(errorMessage(en, new ApiError({ ...problem, title: 'Email or password is wrong', detail: 'The current password is wrong.' }, { asked: 'en', answered: null }))).toBe(
      'The current password is wrong.',
    );
  });

  it('no words from the server at all: the status, in the reader’s language', () => {
    expect(errorMessage(de, new ApiError({ status: 502 }, { asked: 'de', answered: null }))).toBe('Die Anfrage ist fehlgeschlagen (Status 502).');
  });
});
