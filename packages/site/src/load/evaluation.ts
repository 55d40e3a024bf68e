import { parseJson } from '@modelgate/core';
import { EVALUATION_VERSION, type EvaluationDocument } from '@modelgate/evaluate';

export interface GateRuleSummary {
  metric: string;
  rule: string;
  status: string;
  reason: string;
}

/** What the site shows of a version's evaluation.json, read leniently: any evaluation, any age. */
export interface EvaluationSummary {
  metrics: Record<string, number>;
  /** Metrics the evaluation could not compute, with the reason it gave. */
  undefinedMetrics: Record<string, string>;
  verdict: 'pass' | 'fail' | null;
  summary: string | null;
  rules: GateRuleSummary[];
  /** The model it was compared with, when the gate had a champion. */
  champion: string | null;
  /** The document as `modelgate evaluate` wrote it, when it is one: its report goes on the version page. */
  document: EvaluationDocument | null;
  /** Why there is no report, when document is null. */
  noReport: string | null;
  /** Written by an earlier modelgate (an older evaluation format): shown without its report, not a problem. */
  olderFormat: boolean;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Numbers and `{undefined: why}` entries, nested objects flattened to `a.b`. */
function readMetrics(
  value: unknown,
  prefix: string,
  into: Pick<EvaluationSummary, 'metrics' | 'undefinedMetrics'>,
): void {
  if (!isObject(value)) return;
  for (const [key, v] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (typeof v === 'number' && Number.isFinite(v)) into.metrics[name] = v;
    else if (isObject(v) && typeof v.undefined === 'string') into.undefinedMetrics[name] = v.undefined;
    else if (isObject(v) && prefix === '') readMetrics(v, name, into);
  }
}

function readRules(gate: unknown): GateRuleSummary[] {
  const rules = isObject(gate) && Array.isArray(gate.rules) ? gate.rules : [];
  return rules.filter(isObject).map((r) => ({
    metric: String(r.metric ?? ''),
    rule: String(r.rule ?? ''),
    status: String(r.status ?? ''),
    reason: String(r.reason ?? ''),
  }));
}

const isOlderFormat = (doc: Json) =>
  typeof doc.version === 'number' &&
  Number.isInteger(doc.version) &&
  doc.version >= 1 &&
  doc.version < EVALUATION_VERSION;

/** The keys a full evaluation document has; a file without them gets no report, only its metrics. */
function notADocument(doc: Json): string | null {
  if (isOlderFormat(doc)) {
    return `evaluation format ${doc.version}; this modelgate draws reports of format ${EVALUATION_VERSION}`;
  }
  if (doc.version !== EVALUATION_VERSION) {
    return `version is ${JSON.stringify(doc.version) ?? 'missing'}, expected ${EVALUATION_VERSION} (an evaluation.json from modelgate evaluate)`;
  }
  const expected: [string, (v: unknown) => boolean][] = [
    ['model', (v) => typeof v === 'string'],
    ['task', (v) => typeof v === 'string'],
    ['gate', (v) => isObject(v) && Array.isArray(v.rules)],
    ['metrics', isObject],
    ['challenger', (v) => isObject(v) && isObject(v.metrics) && isObject(v.curves)],
    ['holdout', isObject],
    ['comparisons', Array.isArray],
    ['slices', (v) => isObject(v) && Array.isArray(v.entries)],
    ['settings', isObject],
    ['warnings', Array.isArray],
  ];
  const missing = expected.filter(([key, ok]) => !ok(doc[key])).map(([key]) => key);
  return missing.length > 0 ? `${missing.join(', ')} missing or malformed` : null;
}

export function summariseEvaluation(raw: unknown): EvaluationSummary {
  const doc = isObject(raw) ? raw : {};
  const summary: EvaluationSummary = {
    metrics: {},
    undefinedMetrics: {},
    verdict: doc.verdict === 'pass' || doc.verdict === 'fail' ? doc.verdict : null,
    summary: isObject(doc.gate) && typeof doc.gate.summary === 'string' ? doc.gate.summary : null,
    rules: readRules(doc.gate),
    champion: isObject(doc.champion) && typeof doc.champion.label === 'string' ? doc.champion.label : null,
    document: null,
    noReport: null,
    olderFormat: isOlderFormat(doc),
  };
  readMetrics(isObject(doc.metrics) ? doc.metrics : doc, '', summary);
  const why = notADocument(doc);
  if (why) summary.noReport = why;
  else summary.document = doc as unknown as EvaluationDocument;
  return summary;
}

/** evaluation.json's text, leniently read; a thrown error names the file. */
export function parseEvaluation(text: string, file: string): EvaluationSummary {
  const raw = parseJson(text, file);
  if (!isObject(raw)) throw new Error(`${file}: expected a JSON object`);
  return summariseEvaluation(raw);
}
