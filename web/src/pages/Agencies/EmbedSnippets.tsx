/** The embed code in its two variants, each with a copy button. */
import { Stack, Tabs, Text } from '@mantine/core';
import { CopyableCode } from '../../components/CopyableCode.tsx';
import { embedSnippets } from '../../api/agencies.ts';

function Snippet({ code, label, testId }: { code: string; label: string; testId: string }) {
  return <CopyableCode value={code} copyLabel={`the ${label} embed code`} testId={testId} align="flex-start" />;
}

export function EmbedSnippets({ token, placeholder }: { token: string; /** true when `token` stands in for the real one */ placeholder?: boolean }) {
  const s = embedSnippets(window.location.origin, token);
  return (
    <Stack gap="xs">
      <Tabs defaultValue="iframe" keepMounted>
        <Tabs.List>
          <Tabs.Tab value="iframe">iframe</Tabs.Tab>
          <Tabs.Tab value="script">script</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="iframe" pt="xs">
          <Stack gap={6}>
            <Text size="sm" c="dimmed">
              Paste where the form should appear. Works on any site; the site needs no code of its own. The frame is tall
              enough for the whole form at its full width.
            </Text>
            <Snippet code={s.iframe} label="iframe" testId="embed-snippet-iframe" />
            <Text size="sm" c="dimmed" mt={4}>
              Optional: add this once to the page so the frame grows and shrinks with the form (on narrow screens the
              fields stack and the form gets taller). It only accepts height messages from this Partnergate.
            </Text>
            <Snippet code={s.resize} label="resize listener" testId="embed-snippet-resize" />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="script" pt="xs">
          <Stack gap={6}>
            <Text size="sm" c="dimmed">
              The script inserts the form at its own position and sizes it to its content.
            </Text>
            <Snippet code={s.script} label="script" testId="embed-snippet-script" />
          </Stack>
        </Tabs.Panel>
      </Tabs>
      {placeholder && (
        <Text size="xs" c="dimmed">
          Replace {token} with the token shown when it was generated or last rotated. Partnergate cannot show it again; rotate the token to get a new one.
        </Text>
      )}
    </Stack>
  );
}
