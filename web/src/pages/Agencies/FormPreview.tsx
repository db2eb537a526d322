/**
 * Live preview of an embedded form: the real form page (/embed/form#preview=1) in an iframe, fed
 * the configuration being edited by postMessage — what the agency's visitors will see, rendered by
 * the same code, with issuing and lookups disabled.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { Paper, Text } from '@mantine/core';
import type { FormConfig, VoucherTypeDto } from '../../api/agencies.ts';
import { FormattedMessage, useIntl } from 'react-intl';
import { defineMessages } from '../../i18n/define.ts';

const m = defineMessages({
  live: { id: 'agencies.preview.live', defaultMessage: 'Live preview — as visitors of the agency’s site will see it' },
  frameTitle: { id: 'agencies.preview.frame_title', defaultMessage: 'Form preview' },
});

export function FormPreview({ config, types, agencyName, tenantName }: { config: FormConfig; types: VoucherTypeDto[]; agencyName: string; tenantName: string }) {
  const frame = useRef<HTMLIFrameElement>(null);
  const intl = useIntl();
  const [height, setHeight] = useState(560);

  const send = useCallback(() => {
    const w = frame.current?.contentWindow;
    if (!w) return;
    const byId = new Map(types.map((t) => [t.id, t]));
    w.postMessage(
      {
        type: 'partnergate:embed:preview',
        config: {
          agency_name: agencyName,
          tenant_name: tenantName,
          intro_text: config.intro_text,
          rules_list: config.rules_list,
          voucher_types: config.allowed_voucher_types.map((id) => byId.get(id)).filter(Boolean),
        },
      },
      window.location.origin,
    );
  }, [config, types, agencyName, tenantName]);

  useEffect(() => {
    const onMessage = (e: MessageEvent) => {
      if (e.origin !== window.location.origin || e.source !== frame.current?.contentWindow) return;
      const d = e.data as { type?: string; height?: number };
      if (d?.type === 'partnergate:embed:ready') send();
      if (d?.type === 'partnergate:embed:height' && typeof d.height === 'number' && d.height > 0 && d.height < 5000) setHeight(Math.ceil(d.height));
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, [send]);

  // every edit re-renders the preview at once
  useEffect(() => send(), [send]);

  return (
    <Paper withBorder radius="md" p={0} bg="white" style={{ overflow: 'hidden' }}>
      <Text size="xs" c="dimmed" px="sm" py={6} bg="gray.1">
        <FormattedMessage {...m.live} />
      </Text>
      <iframe ref={frame} src={`/embed/form#preview=1&locale=${encodeURIComponent(intl.locale)}`} title={intl.formatMessage(m.frameTitle)} data-testid="form-preview" style={{ border: 0, width: '100%', height, display: 'block' }} onLoad={send} />
    </Paper>
  );
}
