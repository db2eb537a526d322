/**
 * An app's keys and its "require signed requests" switch (a private_key_jwt app): the keys in use
 * by their id and algorithm (public keys only; a private key is refused before it is sent), pasted
 * as a JSON Web Key Set or read from the address the app publishes them at (then the keys last read
 * there, when, and a failed read in words: AppKeySetStatus), and the switch with
 * what it does in a sentence.
 */
import { useState } from 'react';
import { FormattedMessage, useIntl, type IntlShape } from 'react-intl';
import { Button, Group, Radio, Stack, Switch, Text, TextInput, Textarea, Title } from '@mantine/core';
import { appsApi, type AppDto } from '../../api/apps.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useApiMutation } from '../../query/query.ts';
import { jwksProblem, parseJwks } from './appDraft.ts';
import { AppKeySetStatus, KeyLines } from './AppKeySetStatus.tsx';
import { m } from './AppKeysSection.messages.ts';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'];

type Jwk = { kid?: string; alg?: string; kty?: string; crv?: string };

function keysOf(app: AppDto): Jwk[] {
  const set = app.jwks as { keys?: Jwk[] } | null;
  return Array.isArray(set?.keys) ? set.keys : [];
}

/** What is wrong with the pasted keys, in words; null when they are public keys. */
function pasteProblem(intl: IntlShape, text: string): string | null {
  const bad = jwksProblem(intl, text);
  if (bad) return bad;
  const parsed = parseJwks(text) as { keys: Record<string, unknown>[] };
  return parsed.keys.some((k) => PRIVATE_MEMBERS.some((p) => p in k)) ? intl.formatMessage(m.privateRefused) : null;
}

function KeyList({ partnerId, app }: { partnerId: string; app: AppDto }) {
  // keys at an address: what Partnergate last read there, not the address alone
  if (app.jwks_uri) return <AppKeySetStatus partnerId={partnerId} app={app} />;
  const keys = keysOf(app);
  if (keys.length === 0) return <Text size="sm" c="dimmed"><FormattedMessage {...m.noKeys} /></Text>;
  return <KeyLines keys={keys} testId="app-keys" />;
}

export function AppKeysSection({ partnerId, app, onDone, onCancel }: { partnerId: string; app: AppDto; onDone(): void; onCancel(): void }) {
  const intl = useIntl();
  const [source, setSource] = useState<'paste' | 'address'>(app.jwks_uri ? 'address' : 'paste');
  const [pasted, setPasted] = useState(app.jwks ? JSON.stringify(app.jwks, null, 2) : '');
  const [address, setAddress] = useState(app.jwks_uri ?? '');
  const [signed, setSigned] = useState(app.require_signed_request_object);
  const problem = source === 'paste' ? (pasted.trim() ? pasteProblem(intl, pasted) : null) : address.trim() && !/^https:\/\//i.test(address.trim()) ? intl.formatMessage(m.addressInvalid) : null;
  const save = useApiMutation(
    () =>
      appsApi.update(partnerId, app.id, {
        ...(source === 'paste' ? { jwks: parseJwks(pasted) as { keys: { kty: string }[] } } : { jwks_uri: address.trim() }),
        require_signed_request_object: signed,
      }),
    { success: intl.formatMessage(m.saved, { name: app.name }), onDone },
  );
  return (
    <form noValidate onSubmit={(e) => { e.preventDefault(); if (!problem) void save.run(); }}>
      <Stack>
        <Text size="sm"><FormattedMessage {...m.intro} /></Text>
        <Title order={2} size="h5"><FormattedMessage {...m.current} /></Title>
        <KeyList partnerId={partnerId} app={app} />
        <Radio.Group label={intl.formatMessage(m.source)} value={source} onChange={(v) => setSource(v === 'address' ? 'address' : 'paste')}>
          <Stack gap={6} mt={6}>
            <Radio value="paste" label={intl.formatMessage(m.sourcePaste)} />
            <Radio value="address" label={intl.formatMessage(m.sourceAddress)} />
          </Stack>
        </Radio.Group>
        {source === 'paste' ? (
          <Textarea label={intl.formatMessage(m.paste)} description={intl.formatMessage(m.pasteHelp)} autosize minRows={4} value={pasted} onChange={(e) => setPasted(e.currentTarget.value)} error={problem} />
        ) : (
          <TextInput label={intl.formatMessage(m.address)} description={intl.formatMessage(m.addressHelp)} value={address} onChange={(e) => setAddress(e.currentTarget.value)} error={problem} />
        )}
        <Switch label={intl.formatMessage(m.signed)} description={intl.formatMessage(m.signedHelp)} checked={signed} onChange={(e) => setSigned(e.currentTarget.checked)} />
        <ErrorAlert error={save.error} labels={{ jwks: intl.formatMessage(m.paste), jwks_uri: intl.formatMessage(m.address), require_signed_request_object: intl.formatMessage(m.signed) }} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}><FormattedMessage {...m.cancel} /></Button>
          <Button type="submit" loading={save.busy} disabled={!!problem}><FormattedMessage {...m.save} /></Button>
        </Group>
      </Stack>
    </form>
  );
}
