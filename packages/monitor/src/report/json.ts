/** Two-space JSON with number arrays (series values) on one line, so a report (monitor's, or --compare's) diffs and reads well. */
export function stringifyMonitorReport(report: object): string {
  const text = JSON.stringify(
    report,
    (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value),
    2,
  );
  return `${text.replace(
    /\[\n\s+(-?[\d.e+-]+|null)(,\n\s+(-?[\d.e+-]+|null))*\n\s+\]/g,
    (m) =>
      `[${m
        .slice(1, -1)
        .split(',')
        .map((x) => x.trim())
        .join(', ')}]`,
  )}\n`;
}
