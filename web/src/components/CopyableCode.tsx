/** A value people copy somewhere else (a secret, a DNS record, an embed code): shown whole, with a copy button; marked data-technical (code to paste, not words to read). */
import { ActionIcon, Code, CopyButton, Group, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { useIntl } from 'react-intl';
import { defineMessages } from '../i18n/define.ts';

const m = defineMessages({
  copied: { id: 'components.copyable_code.copied', defaultMessage: 'Copied' },
  copyWhat: { id: 'components.copyable_code.copy_what', defaultMessage: 'Copy {what}' },
});

export function CopyableCode({ value, copyLabel, testId, align = 'center' }: { value: string; /** the button's name: "Copy <copyLabel>" */ copyLabel: string; testId: string; align?: 'center' | 'flex-start' }) {
  const intl = useIntl();
  return (
    <Group gap="xs" wrap="nowrap" align={align}>
      <Code block style={{ flex: 1, minWidth: 0, wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} data-testid={testId} data-technical="">
        {value}
      </Code>
      <CopyButton value={value} timeout={2000}>
        {({ copied, copy }) => {
          // the tooltip a sighted person reads is the button's accessible name, word for word
          const label = copied ? intl.formatMessage(m.copied) : intl.formatMessage(m.copyWhat, { what: copyLabel });
          return (
          <Tooltip label={label} withArrow>
            <ActionIcon variant="light" color={copied ? 'teal' : 'blue'} onClick={copy} size="lg" aria-label={label}>
              {copied ? <IconCheck size={18} /> : <IconCopy size={18} />}
            </ActionIcon>
          </Tooltip>
          );
        }}
      </CopyButton>
    </Group>
  );
}
