import { Badge } from '@mantine/core';
import type { EarningState } from '../../api/program.ts';
import { STATE_COLORS, STATE_LABELS } from './programFormat.ts';

export function EarningStateBadge({ state }: { state: EarningState }) {
  return (
    // never cut short in a narrow table column ("Pending approval" was shown as "PENDING APP…")
    <Badge color={STATE_COLORS[state]} variant="light" data-state={state} miw="max-content">
      {STATE_LABELS[state]}
    </Badge>
  );
}
