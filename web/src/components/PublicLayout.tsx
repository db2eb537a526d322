/** A centered card for the pages shown before logging in, with the choice of their language below it. */
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Anchor, Box, Center, Group, Paper, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconShieldCheck } from '@tabler/icons-react';
import { LanguagePicker } from './LanguagePicker.tsx';

export function PublicLayout({ title, subtitle, children, width = 420 }: { title: string; subtitle?: ReactNode; children: ReactNode; width?: number }) {
  return (
    <Box bg="gray.0" mih="100vh" py={48} px="md">
      <Center>
        <Stack w="100%" maw={width} gap="lg">
          <Anchor component={Link} to="/" underline="never" c="inherit">
            <Group gap={8} justify="center">
            <ThemeIcon size="lg" radius="md">
              <IconShieldCheck size={20} />
            </ThemeIcon>
            <Text fw={700} size="xl" translate="no">
              Partnergate
            </Text>
            </Group>
          </Anchor>
          <Paper withBorder shadow="sm" p="xl" radius="md">
            <Stack gap={4} mb="lg">
              <Title order={1} size="h3">
                {title}
              </Title>
              {subtitle && (
                <Text c="dimmed" size="sm">
                  {subtitle}
                </Text>
              )}
            </Stack>
            {children}
          </Paper>
          <Group justify="center">
            <LanguagePicker />
          </Group>
        </Stack>
      </Center>
    </Box>
  );
}
