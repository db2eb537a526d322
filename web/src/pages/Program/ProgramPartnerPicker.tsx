/** The operator's partner picker, shared by the tabs of the program page. */
import { Select } from '@mantine/core';

export interface TabProps {
  options: { value: string; label: string }[];
  partnerId: string | null;
  setPartnerId: (v: string | null) => void;
}

export function PartnerPicker({ options, partnerId, setPartnerId, clearable, placeholder = 'Choose a partner' }: TabProps & { clearable?: boolean; placeholder?: string }) {
  return <Select label="Partner" placeholder={placeholder} data={options} value={partnerId} onChange={setPartnerId} clearable={clearable} allowDeselect={!!clearable} searchable w={{ base: '100%', sm: 280 }} />;
}
