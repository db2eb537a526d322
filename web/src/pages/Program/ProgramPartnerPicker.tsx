/** The operator's partner picker, shared by the tabs of the program page. */
import { Select } from '@mantine/core';
import { useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  label: { id: 'program.partner_picker.label', defaultMessage: 'Partner' },
  placeholder: { id: 'program.partner_picker.placeholder', defaultMessage: 'Choose a partner' },
});

export interface TabProps {
  options: { value: string; label: string }[];
  partnerId: string | null;
  setPartnerId: (v: string | null) => void;
}

export function PartnerPicker({ options, partnerId, setPartnerId, clearable, placeholder }: TabProps & { clearable?: boolean; placeholder?: string }) {
  const intl = useIntl();
  return <Select label={intl.formatMessage(m.label)} placeholder={placeholder ?? intl.formatMessage(m.placeholder)} data={options} value={partnerId} onChange={setPartnerId} clearable={clearable} allowDeselect={!!clearable} searchable w={{ base: '100%', sm: 280 }} />;
}
