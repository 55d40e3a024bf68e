/** A curve, or undefined with the reason (a ROC curve of a one-class holdout). */
export type CurveResult<T> = { curve: T } | { undefined: string };
