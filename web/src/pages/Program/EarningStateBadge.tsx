import { Badge } from '@mantine/core';
import type { EarningState } from '../../api/program.ts';
import { useIntl } from 'react-intl';
import { STATE_COLORS, stateLabel } from './programFormat.ts';

export function EarningStateBadge({ state }: { state: EarningState }) {
  const intl = useIntl();
  return (
    // never cut short in a narrow table column ("Pending approval" was shown as "PENDING APP…")
    <Badge color={STATE_COLORS[state]} variant="light" data-state={state} miw="max-content">
      {stateLabel(intl, state)}
    </Badge>
  );
}
