/** The operator lists' search box: a text field with a magnifier, its name for screen readers and its hint. */
import { TextInput } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';

export function SearchField({ value, onChange, placeholder, label }: { value: string; onChange: (v: string) => void; placeholder: string; label: string }) {
  return <TextInput placeholder={placeholder} leftSection={<IconSearch size={16} />} value={value} onChange={(e) => onChange(e.currentTarget.value)} w={320} aria-label={label} />;
}
