/** An unexpected error answers the fixed internal_error problem in the reader's language, and nothing of the error. */
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { installErrorHandler } from './error-handler.ts';

describe('internal_error', () => {
  it.each([
    ['en', 'Internal error', 'An unexpected error occurred. Quote the request id when reporting it.'],
    ['fr-FR,fr;q=0.9', 'Erreur interne', 'Une erreur inattendue s’est produite. Indiquez l’identifiant de la requête en la signalant.'],
    ['de', 'Interner Fehler', 'Ein unerwarteter Fehler ist aufgetreten. Geben Sie die Anfrage-ID an, wenn Sie ihn melden.'],
  ])('Accept-Language %s: title and detail in that language', async (acceptLanguage, title, detail) => {
    const app = Fastify({ logger: false });
    installErrorHandler(app);
    app.get('/boom', async () => {
      throw new Error('connection string postgres://secret@db');
    });
    await app.ready();
    try {
      const r = await app.inject({ method: 'GET', url: '/boom', headers: { 'accept-language': acceptLanguage } });
      expect(r.statusCode).toBe(500);
      expect(r.json()).toMatchObject({ code: 'internal_error', status: 500, title, detail });
      expect(r.body).not.toContain('secret');
    } finally {
      await app.close();
    }
  });
});
