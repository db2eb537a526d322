/**
 * Account → Security: two-step verification for every user — an authenticator app (QR code and
 * the key to type by hand), recovery codes (shown once, with download), passkeys with names and
 * last use. Removing a factor or getting new codes asks "Confirm it's you" first (step-up).
 */
import { useState, type FormEvent } from 'react';
import { Alert, Badge, Button, Code, CopyButton, Group, Image, List, Modal, Paper, PinInput, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconAlertTriangle, IconDeviceMobile, IconDownload, IconFingerprint, IconKey, IconPlus, IconShieldCheck } from '@tabler/icons-react';
import { startRegistration } from '@simplewebauthn/browser';
import { ApiError } from '../../api/index.ts';
import { security, type PasskeyDto, type Security, type TotpSetup, type WebAuthnResult } from '../../api/security.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { StepUpModal } from '../../components/StepUpModal.tsx';
import { formatDateTime } from '../../components/format.ts';
import { useApiMutation, useApiQuery } from '../../query/query.ts';
import { authKeys } from '../../api/keys/auth.ts';
import { FormattedMessage, useIntl } from 'react-intl';
import { m } from './SecurityPage.messages.ts';

/** The product's name in the recovery codes file (a brand: not translated). */
const PRODUCT = 'Partnergate';


/** Runs a change; when the server asks for a fresh second factor, opens the dialog and runs it again after. */
function useStepUp() {
  const [retry, setRetry] = useState<(() => void) | null>(null);
  const guard =
    <A extends unknown[]>(fn: (...a: A) => Promise<unknown>) =>
    async (...a: A) => {
      try {
        await fn(...a);
      } catch (e) {
        if (e instanceof ApiError && e.code === 'step_up_required') setRetry(() => () => void guard(fn)(...a));
        else throw e;
      }
    };
  return { guard, retry, clear: () => setRetry(null), ask: () => setRetry(() => () => undefined) };
}

export function SecurityPage() {
  const status = useApiQuery(authKeys.security, () => security.status());
  const s = status.data;
  const stepUp = useStepUp();
  const [codes, setCodes] = useState<string[] | null>(null);
  const intl = useIntl();
  return (
    <>
      <PageHeader title={intl.formatMessage(m.title)} description={intl.formatMessage(m.description)} />
      <Stack gap="lg" maw={960}>
        <ErrorAlert error={status.error} />
        {s && s.required_by.length > 0 && !s.enabled && (
          <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title={intl.formatMessage(m.requiredTitle)} data-testid="mfa-required-banner">
            <FormattedMessage {...m.requiredBody} values={{ who: intl.formatList(s.required_by, { type: 'conjunction' }) }} />
          </Alert>
        )}
        {s && s.enabled && !s.session.mfa && (
          <Alert color="blue" variant="light" title={intl.formatMessage(m.sessionNotMfaTitle)} data-testid="session-not-mfa">
            <Stack gap="xs" align="flex-start">
              <Text size="sm">
                <FormattedMessage {...m.sessionNotMfaBody} />
              </Text>
              <Button size="xs" onClick={stepUp.ask}>
                <FormattedMessage {...m.confirmIdentity} />
              </Button>
            </Stack>
          </Alert>
        )}
        {s && (
          <Group gap="xs">
            {s.enabled ? (
              <Badge color="teal" variant="light" leftSection={<IconShieldCheck size={14} />} size="lg">
                <FormattedMessage {...m.isOn} />
              </Badge>
            ) : (
              <Badge color="gray" variant="light" size="lg">
                <FormattedMessage {...m.isOff} />
              </Badge>
            )}
            {s.session.mfa && (
              <Text size="sm" c="dimmed">
                <FormattedMessage {...m.sessionMfa} />
              </Text>
            )}
          </Group>
        )}
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          <AuthenticatorCard status={s} onCodes={setCodes} guard={stepUp.guard} reload={status.reload} />
          <RecoveryCodesCard status={s} onCodes={setCodes} guard={stepUp.guard} />
        </SimpleGrid>
        <PasskeysCard status={s} guard={stepUp.guard} reload={status.reload} />
      </Stack>
      <StepUpModal
        opened={stepUp.retry !== null}
        status={s}
        onClose={stepUp.clear}
        onConfirmed={() => {
          const r = stepUp.retry;
          stepUp.clear();
          status.reload();
          r?.();
        }}
      />
      <RecoveryCodesModal codes={codes} onClose={() => setCodes(null)} />
    </>
  );
}

type Guard = <A extends unknown[]>(fn: (...a: A) => Promise<unknown>) => (...a: A) => Promise<void>;

function AuthenticatorCard({ status, onCodes, guard, reload }: { status: Security | undefined; onCodes: (c: string[]) => void; guard: Guard; reload: () => void }) {
  const [setup, setSetup] = useState<TotpSetup | null>(null);
  const start = useApiMutation(() => security.startTotp(), { onDone: setSetup });
  const remove = useApiMutation(guard(() => security.removeTotp()), { notifyError: true, onDone: reload });
  const on = status?.totp.enabled ?? false;
  const intl = useIntl();
  return (
    <Paper withBorder p="lg" radius="md" data-testid="totp-card">
      <Stack>
        <Group gap="xs">
          <IconDeviceMobile size={20} />
          <Title order={3} size="h4">
            <FormattedMessage {...m.totpTitle} />
          </Title>
          {on && (
            <Badge color="teal" variant="light">
              <FormattedMessage {...m.on} />
            </Badge>
          )}
        </Group>
        <Text size="sm" c="dimmed">
          <FormattedMessage {...m.totpIntro} />
        </Text>
        {on ? (
          <>
            <Text size="sm">
              <FormattedMessage
                {...m.totpSince}
                values={{
                  date: formatDateTime(status?.totp.confirmed_at),
                  lastUsed: status?.totp.last_used_at ? formatDateTime(status.totp.last_used_at) : intl.formatMessage(m.never),
                }}
              />
            </Text>
            <Group>
              <Button variant="subtle" color="red" onClick={() => void remove.run()} loading={remove.busy}>
                <FormattedMessage {...m.totpRemove} />
              </Button>
            </Group>
          </>
        ) : (
          <>
            <ErrorAlert error={start.error} />
            <Group>
              <Button leftSection={<IconPlus size={16} />} onClick={() => void start.run()} loading={start.busy}>
                <FormattedMessage {...m.totpStart} />
              </Button>
            </Group>
          </>
        )}
      </Stack>
      {setup && (
        <TotpSetupModal
          setup={setup}
          onClose={() => setSetup(null)}
          onDone={(codes) => {
            setSetup(null);
            reload();
            onCodes(codes);
          }}
        />
      )}
    </Paper>
  );
}

function TotpSetupModal({ setup, onClose, onDone }: { setup: TotpSetup; onClose: () => void; onDone: (codes: string[]) => void }) {
  const [code, setCode] = useState('');
  const intl = useIntl();
  const confirm = useApiMutation((c: string) => security.confirmTotp(c), { success: intl.formatMessage(m.totpOn), onDone: (r) => onDone(r.recovery_codes) });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void confirm.run(code).then((r) => r === undefined && setCode(''));
  };
  const grouped = setup.secret.replace(/(.{4})/g, '$1 ').trim();
  return (
    <Modal opened onClose={onClose} title={intl.formatMessage(m.setupTitle)} centered size="md">
      <form onSubmit={submit}>
        <Stack>
          <List type="ordered" size="sm" spacing={4}>
            <List.Item>
              <FormattedMessage {...m.setupStep1} />
            </List.Item>
            <List.Item>
              <FormattedMessage {...m.setupStep2} />
            </List.Item>
            <List.Item>
              <FormattedMessage {...m.setupStep3} />
            </List.Item>
          </List>
          <Group justify="center">
            <Image src={`data:image/svg+xml;base64,${btoa(setup.qr_svg)}`} alt={intl.formatMessage(m.qrAlt)} w={200} h={200} data-testid="totp-qr" />
          </Group>
          <Stack gap={4}>
            <Text size="sm">
              <FormattedMessage {...m.cannotScan} />
            </Text>
            <Group gap="xs" wrap="nowrap">
              <Code style={{ flex: 1, wordBreak: 'break-all' }} data-testid="totp-secret" data-secret={setup.secret}>
                {grouped}
              </Code>
              <CopyButton value={setup.secret}>
                {({ copied, copy }) => (
                  <Button size="xs" variant="light" onClick={copy}>
                    {intl.formatMessage(copied ? m.copied : m.copy)}
                  </Button>
                )}
              </CopyButton>
            </Group>
          </Stack>
          <ErrorAlert error={confirm.error} title={intl.formatMessage(m.codeFailed)} />
          <Group justify="center">
            <PinInput length={6} type="number" oneTimeCode value={code} onChange={setCode} aria-label={intl.formatMessage(m.sixDigits)} data-testid="totp-confirm-code" />
          </Group>
          <Button type="submit" loading={confirm.busy} disabled={code.length !== 6} fullWidth>
            <FormattedMessage {...m.turnOn} />
          </Button>
        </Stack>
      </form>
    </Modal>
  );
}

function RecoveryCodesCard({ status, onCodes, guard }: { status: Security | undefined; onCodes: (c: string[]) => void; guard: Guard }) {
  const renew = useApiMutation(
    guard(async () => onCodes((await security.newRecoveryCodes()).recovery_codes)),
    { notifyError: true },
  );
  const rc = status?.recovery_codes;
  return (
    <Paper withBorder p="lg" radius="md" data-testid="recovery-card">
      <Stack>
        <Group gap="xs">
          <IconKey size={20} />
          <Title order={3} size="h4">
            <FormattedMessage {...m.recoveryTitle} />
          </Title>
        </Group>
        <Text size="sm" c="dimmed">
          <FormattedMessage {...m.recoveryIntro} />
        </Text>
        {status?.enabled && rc && rc.total === 0 ? (
          <>
            <Text size="sm">
              <FormattedMessage {...m.recoveryNone} />
            </Text>
            <Group>
              <Button variant="light" onClick={() => void renew.run()} loading={renew.busy}>
                <FormattedMessage {...m.recoveryGet} />
              </Button>
            </Group>
          </>
        ) : status?.enabled ? (
          <>
            <Text size="sm">
              <FormattedMessage
                {...m.recoveryLeft}
                values={{ unused: rc?.unused ?? 0, total: rc?.total ?? 0, low: rc && rc.unused <= 3 ? 'yes' : 'no', b: (chunks) => <b>{chunks}</b> }}
              />
            </Text>
            <Group>
              <Button variant="light" onClick={() => void renew.run()} loading={renew.busy}>
                <FormattedMessage {...m.recoveryRenew} />
              </Button>
            </Group>
          </>
        ) : (
          <Text size="sm">
            <FormattedMessage {...m.recoveryLater} />
          </Text>
        )}
      </Stack>
    </Paper>
  );
}

function RecoveryCodesModal({ codes, onClose }: { codes: string[] | null; onClose: () => void }) {
  const intl = useIntl();
  if (!codes) return null;
  const text = `${intl.formatMessage(m.recoveryFileTitle, { product: PRODUCT })}\n${intl.formatMessage(m.recoveryFileHelp)}\n\n${codes.join('\n')}\n`;
  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'partnergate-recovery-codes.txt';
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <Modal opened onClose={onClose} title={intl.formatMessage(m.recoverySaveTitle)} centered closeOnClickOutside={false}>
      <Stack>
        <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} />}>
          <FormattedMessage {...m.recoveryOnce} />
        </Alert>
        <SimpleGrid cols={2} spacing="xs" data-testid="recovery-codes">
          {codes.map((c) => (
            <Code key={c} ta="center" fz="md">
              {c}
            </Code>
          ))}
        </SimpleGrid>
        <Group grow>
          <Button variant="light" leftSection={<IconDownload size={16} />} onClick={download}>
            <FormattedMessage {...m.download} />
          </Button>
          <CopyButton value={codes.join('\n')}>
            {({ copied, copy }) => (
              <Button variant="light" onClick={copy}>
                {intl.formatMessage(copied ? m.copied : m.copyAll)}
              </Button>
            )}
          </CopyButton>
        </Group>
        <Button onClick={onClose}>
          <FormattedMessage {...m.saved} />
        </Button>
      </Stack>
    </Modal>
  );
}

function PasskeysCard({ status, guard, reload }: { status: Security | undefined; guard: Guard; reload: () => void }) {
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [removing, setRemoving] = useState<PasskeyDto | null>(null);
  const intl = useIntl();
  const remove = useApiMutation(guard((id: string) => security.removePasskey(id)), { notifyError: true, onDone: () => { setRemoving(null); reload(); } });

  const add = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await guard(async () => {
        const options = await security.passkeyOptions();
        const result = await startRegistration({ optionsJSON: options as unknown as Parameters<typeof startRegistration>[0]['optionsJSON'] });
        await security.addPasskey(name.trim(), result as unknown as WebAuthnResult);
        setNaming(false);
        setName('');
        reload();
      })();
    } catch (err) {
      setError(err instanceof Error && err.name === 'NotAllowedError' ? new Error(intl.formatMessage(m.promptClosed)) : err);
    } finally {
      setBusy(false);
    }
  };

  const keys = status?.passkeys ?? [];
  return (
    <Paper withBorder p="lg" radius="md" data-testid="passkeys-card">
      <Stack>
        <Group justify="space-between">
          <Group gap="xs">
            <IconFingerprint size={20} />
            <Title order={3} size="h4">
              <FormattedMessage {...m.passkeysTitle} />
            </Title>
          </Group>
          <Button leftSection={<IconPlus size={16} />} variant="light" onClick={() => { setNaming(true); setError(null); }}>
            <FormattedMessage {...m.addPasskey} />
          </Button>
        </Group>
        <Text size="sm" c="dimmed">
          <FormattedMessage {...m.passkeysIntro} />
        </Text>
        <DataTable
          testId="passkeys-table"
          records={keys}
          loading={!status}
          rowKey={(k) => k.id}
          rowProps={(k) => ({ 'data-passkey': k.name })}
          empty={intl.formatMessage(m.passkeysEmpty)}
          columns={[
            { key: 'name', title: intl.formatMessage(m.colName), mobile: 'title', render: (k) => k.name },
            { key: 'added', title: intl.formatMessage(m.colAdded), render: (k) => formatDateTime(k.created_at) },
            { key: 'used', title: intl.formatMessage(m.colUsed), render: (k) => (k.last_used_at ? formatDateTime(k.last_used_at) : intl.formatMessage(m.never)) },
            {
              key: 'actions',
              title: '',
              label: intl.formatMessage(m.colActions),
              align: 'right',
              mobile: 'footer',
              render: (k) => (
                <Button size="xs" variant="subtle" color="red" onClick={() => setRemoving(k)}>
                  <FormattedMessage {...m.remove} />
                </Button>
              ),
            },
          ]}
        />
      </Stack>
      <Modal opened={naming} onClose={() => setNaming(false)} title={intl.formatMessage(m.addPasskey)} centered>
        <form onSubmit={(e) => void add(e)}>
          <Stack>
            <ErrorAlert error={error} title={intl.formatMessage(m.notAdded)} />
            <TextInput label={intl.formatMessage(m.colName)} description={intl.formatMessage(m.nameHelp)} required maxLength={80} value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
            <Button type="submit" loading={busy} disabled={!name.trim()} leftSection={<IconFingerprint size={16} />}>
              <FormattedMessage {...m.continue} />
            </Button>
          </Stack>
        </form>
      </Modal>
      <Modal opened={removing !== null} onClose={() => setRemoving(null)} title={intl.formatMessage(m.removeTitle, { name: removing?.name ?? '' })} centered>
        <Stack>
          <Text size="sm">
            <FormattedMessage {...m.removeBody} />
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRemoving(null)}>
              <FormattedMessage {...m.keep} />
            </Button>
            <Button color="red" loading={remove.busy} onClick={() => removing && void remove.run(removing.id)}>
              <FormattedMessage {...m.removeConfirm} />
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}

