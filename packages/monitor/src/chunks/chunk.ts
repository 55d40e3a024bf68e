/** One chunk of the current window, as reported. */
export interface Chunk {
  index: number;
  /** `2024-05-01`, `rows 1–1000`, a profile file's name. */
  label: string;
  /** Time chunks: the period, as UTC ISO instants, end exclusive. */
  start: string | null;
  end: string | null;
  rows: number;
  /** Fewer rows than the minimum: reported, not alerted on, not part of a baseline. */
  tooSmall: boolean;
}
