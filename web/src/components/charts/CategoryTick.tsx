/**
 * An x-axis label of a chart by category (capabilities, customers, plans): every label is drawn — recharts
 * would drop the ones that overlap, so a long French or German name left its bar unnamed — wrapped onto up
 * to three lines within its bar's width, a word too long for it shortened with "…", the full name in its
 * <title> (the browser's tooltip) and in the chart's table for screen readers.
 */

/** an average character of the 12 px axis font, wide enough that a line measured with it fits */
const CHAR_PX = 7;
const LINE_PX = 14;
const MAX_LINES = 3;
/** how tall the axis is made for its labels (three lines and the gap above them) */
export const CATEGORY_AXIS_HEIGHT = LINE_PX * MAX_LINES + 12;

const cut = (s: string, max: number) => (s.length > max ? `${s.slice(0, Math.max(1, max - 1))}…` : s);

/** The label's lines for a band `width` px wide. */
export function labelLines(text: string, width: number): string[] {
  const max = Math.max(4, Math.floor(width / CHAR_PX));
  const lines: string[] = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const last = lines[lines.length - 1];
    if (last !== undefined && `${last} ${word}`.length <= max) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  const shown = lines.slice(0, MAX_LINES).map((l) => cut(l, max));
  // more lines than room: the last one shown says that the name goes on
  if (lines.length > MAX_LINES && !shown[MAX_LINES - 1].endsWith('…')) shown[MAX_LINES - 1] = `${cut(shown[MAX_LINES - 1], max - 1).replace(/…$/, '')}…`;
  return shown.length > 0 ? shown : [''];
}

interface TickProps {
  x?: number;
  y?: number;
  width?: number;
  visibleTicksCount?: number;
  payload?: { value?: unknown };
}

export function CategoryTick({ x = 0, y = 0, width = 0, visibleTicksCount = 1, payload }: TickProps) {
  const text = String(payload?.value ?? '');
  const band = width / Math.max(1, visibleTicksCount);
  return (
    <g transform={`translate(${x},${y})`} data-testid="chart-category-label">
      <title>{text}</title>
      <text textAnchor="middle" fontSize={12} fill="currentColor">
        {labelLines(text, band - 6).map((line, i) => (
          <tspan key={i} x={0} dy={LINE_PX}>
            {line}
          </tspan>
        ))}
      </text>
    </g>
  );
}
