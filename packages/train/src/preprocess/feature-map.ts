import type { ProblemSpec } from '../types.js';
import type { DatetimePart } from './datetime.js';
import type { Encoding, EncodingOptions } from './encoding.js';

/** One column of the encoded matrix as the feature map describes it. */
export type EncodedColumn = { index: number; name: string; source: string } & (
  | { transform: 'standardize'; part?: DatetimePart; fill: number; mean: number; std: number }
  | { transform: 'impute'; part?: DatetimePart; fill: number }
  | { transform: 'missing_indicator' }
  | { transform: 'onehot'; category: string }
  | { transform: 'missing_or_unseen' }
  | { transform: 'ordinal'; categories: string[]; missing_or_unseen: number }
);

type Described = EncodedColumn extends infer C ? (C extends EncodedColumn ? Omit<C, 'index'> : never) : never;

/** $MODELGATE_FEATURE_MAP: the encoded matrix's columns, where each comes from and how. */
export interface FeatureMap {
  version: 1;
  encoding: EncodingOptions;
  /** Columns of the encoded matrix (the model's input width). */
  width: number;
  columns: EncodedColumn[];
  /** Each raw feature, in spec order: its kind, missing training values and its encoded columns. */
  sources: {
    name: string;
    kind: 'numeric' | 'datetime' | 'categorical';
    missing: number;
    columns: number[];
    categories?: string[];
  }[];
  /** The last column of the encoded files, after the features. */
  target: { name: string; encoding: 'class_index'; classes: string[] } | { name: string; encoding: 'value' };
  rows: { train: number; validation: number; test: number };
}

/** The columns in matrix order, each named after its source: `Island=Dream`, `Body Mass (g) (missing)`. */
export function encodedColumns(encoding: Encoding, spec: ProblemSpec): EncodedColumn[] {
  const nameOf = (feature: number) => spec.features[feature]?.name ?? `feature ${feature}`;
  const described: Described[] = [];
  for (const step of encoding.numeric) {
    const source = nameOf(step.feature);
    const name = step.part ? `${source} (${step.part})` : source;
    const part = step.part ? { part: step.part } : {};
    described.push(
      step.mean !== undefined && step.scale !== undefined
        ? {
            name,
            source,
            transform: 'standardize',
            ...part,
            fill: step.fill,
            mean: step.mean,
            std: step.scale,
          }
        : { name, source, transform: 'impute', ...part, fill: step.fill },
    );
  }
  for (const feature of encoding.indicators) {
    described.push({
      name: `${nameOf(feature)} (missing)`,
      source: nameOf(feature),
      transform: 'missing_indicator',
    });
  }
  for (const step of encoding.categorical) {
    const source = nameOf(step.feature);
    if (encoding.options.categorical === 'ordinal') {
      described.push({
        name: source,
        source,
        transform: 'ordinal',
        categories: step.categories,
        missing_or_unseen: step.categories.length,
      });
      continue;
    }
    for (const category of step.categories) {
      described.push({ name: `${source}=${category}`, source, transform: 'onehot', category });
    }
    described.push({ name: `${source} (missing or unseen)`, source, transform: 'missing_or_unseen' });
  }
  // Names are headers of the encoded files: unique, and never the target's.
  const taken = new Set([spec.target]);
  return described.map((column, index) => {
    let name = column.name;
    for (let k = 2; taken.has(name); k++) name = `${column.name} #${k}`;
    taken.add(name);
    return { index, ...column, name } as EncodedColumn;
  });
}

export function featureMap(encoding: Encoding, spec: ProblemSpec, rows: FeatureMap['rows']): FeatureMap {
  const columns = encodedColumns(encoding, spec);
  const datetime = new Set(encoding.datetime.map((d) => d.feature));
  return {
    version: 1,
    encoding: encoding.options,
    width: encoding.width,
    columns,
    sources: spec.features.map((f, feature) => ({
      name: f.name,
      kind: f.kind === 'categorical' ? 'categorical' : datetime.has(feature) ? 'datetime' : 'numeric',
      missing: encoding.missing[feature] ?? 0,
      columns: columns.filter((c) => c.source === f.name).map((c) => c.index),
      ...(f.categories ? { categories: f.categories } : {}),
    })),
    target: spec.classes
      ? { name: spec.target, encoding: 'class_index', classes: spec.classes }
      : { name: spec.target, encoding: 'value' },
    rows,
  };
}
