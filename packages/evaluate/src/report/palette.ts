import type { SeriesRole } from './charts.js';

/** One colour per role, the same in Mermaid and SVG charts, named in each legend. */
export const ROLE_COLOURS: Record<SeriesRole, { hex: string; name: string }> = {
  challenger: { hex: '#2563eb', name: 'blue' },
  champion: { hex: '#dc2626', name: 'red' },
  reference: { hex: '#9ca3af', name: 'grey' },
};
