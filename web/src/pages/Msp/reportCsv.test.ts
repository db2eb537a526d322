/** The Reports page's CSV files: headed in the reader's language, figures the same in every language. */
import { describe, expect, it } from 'vitest';
import { createIntl } from 'react-intl';
import fr from '../../i18n/messages/fr.json' with { type: 'json' };
import de from '../../i18n/messages/de.json' with { type: 'json' };
import { slaCsv, usageCsv } from './reportCsv.ts';

const intlOf = (locale: string, messages: Record<string, string>) => createIntl({ locale, messages, onError: () => {} });
const usage = [{ tenant_name: 'Contoso', period: '2026-10', metric: 'data_gb', quantity: 1234.5, amount_cents: 123456, currency: 'EUR' }];
const sla = [{ tenant_name: 'Contoso', records: 12, breached: 1, compliance_pct: 91.666, avg_achieved_pct: 99.91234, min_achieved_pct: 99.5, downtime_minutes: 1440 }];
const words = () => ({ label: 'Data', unit: 'GB' });

describe('report CSV files', () => {
  it.each([
    ['en', {}, ['Customer', 'Month', 'Metric', 'Quantity', 'Unit', 'Amount', 'Currency'], ['Customer', 'Service-months', 'Months missed', 'Compliance (%)', 'Average availability (%)', 'Lowest month (%)', 'Downtime (minutes)']],
    ['fr', fr, ['Client', 'Mois', 'Mesure', 'Quantité', 'Unité', 'Montant', 'Devise'], ['Client', 'Mois de service', 'Mois manqués', 'Respect (%)', 'Disponibilité moyenne (%)', 'Mois le plus bas (%)', 'Interruption (minutes)']],
    ['de', de, ['Kunde', 'Monat', 'Messgröße', 'Menge', 'Einheit', 'Betrag', 'Währung'], ['Kunde', 'Servicemonate', 'Verfehlte Monate', 'Einhaltung (%)', 'Durchschnittliche Verfügbarkeit (%)', 'Schwächster Monat (%)', 'Ausfallzeit (Minuten)']],
  ])('%s: the headings in the language, the cells as a spreadsheet reads figures', (locale, messages, usageHeader, slaHeader) => {
    const intl = intlOf(locale, messages as Record<string, string>);
    const u = usageCsv(intl, usage, words);
    expect(u.header).toEqual(usageHeader);
    expect(u.rows).toEqual([['Contoso', '2026-10', 'Data', 1234.5, 'GB', '1234.56', 'EUR']]);
    const s = slaCsv(intl, sla);
    expect(s.header).toEqual(slaHeader);
    expect(s.rows).toEqual([['Contoso', 12, 1, '91.7', '99.912', '99.500', 1440]]);
  });
});
