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
  return (
    <>
      <PageHeader title="Security" description="Two-step verification keeps your account safe even if someone learns your password." />
      <Stack gap="lg" maw={960}>
        <ErrorAlert error={status.error} />
        {s && s.required_by.length > 0 && !s.enabled && (
          <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title="Two-step verification is required" data-testid="mfa-required-banner">
            Required by {s.required_by.join(' and ')}. Until you set it up, you cannot work on customers' data. Set up an authenticator app or a passkey below.
          </Alert>
        )}
        {s && s.enabled && !s.session.mfa && (
          <Alert color="blue" variant="light" title="This session was not confirmed with your second factor" data-testid="session-not-mfa">
            <Stack gap="xs" align="flex-start">
              <Text size="sm">Some customers and partners require it before you work on their data. Confirm it's you to continue without logging in again.</Text>
              <Button size="xs" onClick={stepUp.ask}>
                Confirm it's you
              </Button>
            </Stack>
          </Alert>
        )}
        {s && (
          <Group gap="xs">
            {s.enabled ? (
              <Badge color="teal" variant="light" leftSection={<IconShieldCheck size={14} />} size="lg">
                Two-step verification is on
              </Badge>
            ) : (
              <Badge color="gray" variant="light" size="lg">
                Two-step verification is off
              </Badge>
            )}
            {s.session.mfa && (
              <Text size="sm" c="dimmed">
                This session was confirmed with your second factor.
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
  return (
    <Paper withBorder p="lg" radius="md" data-testid="totp-card">
      <Stack>
        <Group gap="xs">
          <IconDeviceMobile size={20} />
          <Title order={4}>Authenticator app</Title>
          {on && (
            <Badge color="teal" variant="light">
              On
            </Badge>
          )}
        </Group>
        <Text size="sm" c="dimmed">
          An app on your phone (Google Authenticator, Microsoft Authenticator, 1Password…) shows a new 6-digit code every 30 seconds.
        </Text>
        {on ? (
          <>
            <Text size="sm">
              Set up {formatDateTime(status?.totp.confirmed_at)}. Last used {status?.totp.last_used_at ? formatDateTime(status.totp.last_used_at) : 'never'}.
            </Text>
            <Group>
              <Button variant="subtle" color="red" onClick={() => void remove.run()} loading={remove.busy}>
                Remove the app
              </Button>
            </Group>
          </>
        ) : (
          <>
            <ErrorAlert error={start.error} />
            <Group>
              <Button leftSection={<IconPlus size={16} />} onClick={() => void start.run()} loading={start.busy}>
                Set up an authenticator app
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
  const confirm = useApiMutation((c: string) => security.confirmTotp(c), { success: 'Two-step verification is on.', onDone: (r) => onDone(r.recovery_codes) });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void confirm.run(code).then((r) => r === undefined && setCode(''));
  };
  const grouped = setup.secret.replace(/(.{4})/g, '$1 ').trim();
  return (
    <Modal opened onClose={onClose} title="Set up your authenticator app" centered size="md">
      <form onSubmit={submit}>
        <Stack>
          <List type="ordered" size="sm" spacing={4}>
            <List.Item>Open your authenticator app and add an account.</List.Item>
            <List.Item>Scan this QR code with it.</List.Item>
            <List.Item>Enter the 6-digit code the app shows.</List.Item>
          </List>
          <Group justify="center">
            <Image src={`data:image/svg+xml;base64,${btoa(setup.qr_svg)}`} alt="QR code to scan with your authenticator app" w={200} h={200} data-testid="totp-qr" />
          </Group>
          <Stack gap={4}>
            <Text size="sm">Cannot scan it? Type this key into the app instead:</Text>
            <Group gap="xs" wrap="nowrap">
              <Code style={{ flex: 1, wordBreak: 'break-all' }} data-testid="totp-secret" data-secret={setup.secret}>
                {grouped}
              </Code>
              <CopyButton value={setup.secret}>
                {({ copied, copy }) => (
                  <Button size="xs" variant="light" onClick={copy}>
                    {copied ? 'Copied' : 'Copy'}
                  </Button>
                )}
              </CopyButton>
            </Group>
          </Stack>
          <ErrorAlert error={confirm.error} title="That code did not work" />
          <Group justify="center">
            <PinInput length={6} type="number" oneTimeCode value={code} onChange={setCode} aria-label="6-digit code" data-testid="totp-confirm-code" />
          </Group>
          <Button type="submit" loading={confirm.busy} disabled={code.length !== 6} fullWidth>
            Turn on two-step verification
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
          <Title order={4}>Recovery codes</Title>
        </Group>
        <Text size="sm" c="dimmed">
          If you lose your phone or passkey, a recovery code lets you log in once. Keep them somewhere safe, away from your password.
        </Text>
        {status?.enabled && rc && rc.total === 0 ? (
          <>
            <Text size="sm">You have no recovery codes yet. Get some, so you can still log in if you lose your passkey.</Text>
            <Group>
              <Button variant="light" onClick={() => void renew.run()} loading={renew.busy}>
                Get recovery codes
              </Button>
            </Group>
          </>
        ) : status?.enabled ? (
          <>
            <Text size="sm">
              <b>{rc?.unused ?? 0}</b> of {rc?.total ?? 0} codes left.
              {rc && rc.unused <= 3 && ' Get new ones soon.'}
            </Text>
            <Group>
              <Button variant="light" onClick={() => void renew.run()} loading={renew.busy}>
                Get new recovery codes
              </Button>
            </Group>
          </>
        ) : (
          <Text size="sm">You get recovery codes when you turn on two-step verification.</Text>
        )}
      </Stack>
    </Paper>
  );
}

function RecoveryCodesModal({ codes, onClose }: { codes: string[] | null; onClose: () => void }) {
  if (!codes) return null;
  const text = `Partnergate recovery codes\nEach code works once. Keep them somewhere safe.\n\n${codes.join('\n')}\n`;
  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'partnergate-recovery-codes.txt';
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <Modal opened onClose={onClose} title="Save your recovery codes" centered closeOnClickOutside={false}>
      <Stack>
        <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} />}>
          These codes are shown only once. Each works one time, if you cannot use your app or passkey.
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
            Download
          </Button>
          <CopyButton value={codes.join('\n')}>
            {({ copied, copy }) => (
              <Button variant="light" onClick={copy}>
                {copied ? 'Copied' : 'Copy all'}
              </Button>
            )}
          </CopyButton>
        </Group>
        <Button onClick={onClose}>I have saved them</Button>
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
      setError(err instanceof Error && err.name === 'NotAllowedError' ? new Error('The passkey prompt was closed or timed out. Try again.') : err);
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
            <Title order={4}>Passkeys</Title>
          </Group>
          <Button leftSection={<IconPlus size={16} />} variant="light" onClick={() => { setNaming(true); setError(null); }}>
            Add a passkey
          </Button>
        </Group>
        <Text size="sm" c="dimmed">
          A passkey uses your device's fingerprint, face or screen lock, or a security key. Nothing to type, and it cannot be phished.
        </Text>
        <DataTable
          testId="passkeys-table"
          records={keys}
          loading={!status}
          rowKey={(k) => k.id}
          rowProps={(k) => ({ 'data-passkey': k.name })}
          empty="No passkeys yet."
          columns={[
            { key: 'name', title: 'Name', mobile: 'title', render: (k) => k.name },
            { key: 'added', title: 'Added', render: (k) => formatDateTime(k.created_at) },
            { key: 'used', title: 'Last used', render: (k) => (k.last_used_at ? formatDateTime(k.last_used_at) : 'never') },
            {
              key: 'actions',
              title: '',
              label: 'Actions',
              align: 'right',
              mobile: 'footer',
              render: (k) => (
                <Button size="xs" variant="subtle" color="red" onClick={() => setRemoving(k)}>
                  Remove
                </Button>
              ),
            },
          ]}
        />
      </Stack>
      <Modal opened={naming} onClose={() => setNaming(false)} title="Add a passkey" centered>
        <form onSubmit={(e) => void add(e)}>
          <Stack>
            <ErrorAlert error={error} title="The passkey was not added" />
            <TextInput label="Name" description="So you can tell your passkeys apart, e.g. “Work laptop” or “Blue security key”." required maxLength={80} value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
            <Button type="submit" loading={busy} disabled={!name.trim()} leftSection={<IconFingerprint size={16} />}>
              Continue
            </Button>
          </Stack>
        </form>
      </Modal>
      <Modal opened={removing !== null} onClose={() => setRemoving(null)} title={`Remove the passkey “${removing?.name ?? ''}”?`} centered>
        <Stack>
          <Text size="sm">You will not be able to log in with it any more.</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRemoving(null)}>
              Keep it
            </Button>
            <Button color="red" loading={remove.busy} onClick={() => removing && void remove.run(removing.id)}>
              Remove passkey
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}

