/**
 * Where a developer finds the typed TypeScript client (packages/client, `@partnergate/client`): its guide is part of
 * the API reference at /docs (the document's introduction, under "TypeScript SDK"), so the developer pages link there.
 */
import { Anchor, Code, Text } from '@mantine/core';
import { FormattedMessage } from 'react-intl';
import { defineMessages } from '../i18n/define.ts';

/** The SDK guide's section in the reader at /docs (its heading's anchor). */
export const SDK_GUIDE_HREF = '/docs#description/typescript-sdk';

const m = defineMessages({
  sdk: {
    id: 'components.sdk_guide.text',
    defaultMessage: 'Calling the API from TypeScript? The typed client <code>@partnergate/client</code> checks paths, parameters and answers for you: <guide>read the SDK guide</guide>.',
  },
});

export function SdkGuideLink({ mb }: { mb?: string }) {
  return (
    <Text size="sm" mb={mb} data-testid="sdk-guide">
      <FormattedMessage
        {...m.sdk}
        values={{
          code: (chunks) => <Code data-technical="">{chunks}</Code>,
          guide: (chunks) => (
            <Anchor href={SDK_GUIDE_HREF} target="_blank" underline="always">
              {chunks}
            </Anchor>
          ),
        }}
      />
    </Text>
  );
}
