/**
 * "Confirm it's you": a fresh second factor before a sensitive change (removing a factor, new
 * recovery codes). Opened when the server answers step_up_required; on success the change is tried again.
 */
import { Modal, Stack, Text } from '@mantine/core';
import { SecondFactorForm } from './SecondFactorForm.tsx';
import { security, type Security } from '../api/security.ts';
import { useIntl } from 'react-intl';
import { defineMessages } from '../i18n/define.ts';

const m = defineMessages({
  title: { id: 'components.step_up.title', defaultMessage: "Confirm it's you" },
  intro: {
    id: 'components.step_up.intro',
    defaultMessage: 'This change needs a fresh check of your second factor. After confirming, you can make such changes for 10 minutes.',
  },
  confirm: { id: 'components.step_up.confirm', defaultMessage: 'Confirm' },
});

export function StepUpModal({ opened, status, onClose, onConfirmed }: { opened: boolean; status: Security | undefined; onClose: () => void; onConfirmed: () => void }) {
  const intl = useIntl();
  const methods: ('totp' | 'passkey' | 'recovery_code')[] = [];
  if (status?.totp.enabled) methods.push('totp');
  if ((status?.passkeys.length ?? 0) > 0) methods.push('passkey');
  if ((status?.recovery_codes.unused ?? 0) > 0) methods.push('recovery_code');
  return (
    <Modal opened={opened} onClose={onClose} title={intl.formatMessage(m.title)} centered>
      <Stack>
        <Text size="sm" c="dimmed">
          {intl.formatMessage(m.intro)}
        </Text>
        <SecondFactorForm
          methods={methods}
          submitLabel={intl.formatMessage(m.confirm)}
          passkeyOptions={() => security.stepUpPasskeyOptions()}
          onProof={async (p) => {
            await security.stepUp(p);
            onConfirmed();
          }}
        />
      </Stack>
    </Modal>
  );
}
