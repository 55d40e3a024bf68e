import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '@modelgate/core';

/** The files `modelgate evaluate --out <dir>` writes that GitHub needs. */
export const EVALUATION_OUTPUTS = { json: 'evaluation.json', markdown: 'report.md' } as const;

export interface GateRule {
  metric: string;
  rule: string;
  status: 'pass' | 'fail' | 'skipped';
  reason: string;
}

/** What the comment and the check need from an evaluation directory. */
export interface EvaluationResult {
  model: string;
  verdict: 'pass' | 'fail';
  summary: string;
  rules: GateRule[];
  challenger: string;
  champion: string | null;
  /** report.md as written. */
  report: string;
}

async function readText(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    throw new UserError(`${flag}: no ${path}. Expected the --out directory of 'modelgate evaluate'.`);
  }
}

function isRule(value: unknown): value is GateRule {
  const r = value as GateRule;
  return typeof r?.metric === 'string' && typeof r.rule === 'string' && typeof r.reason === 'string';
}

/** Reads evaluation.json and report.md from `dir`. */
export async function readEvaluation(dir: string, flag = '--evaluation'): Promise<EvaluationResult> {
  const jsonPath = join(dir, EVALUATION_OUTPUTS.json);
  const [jsonText, report] = await Promise.all([
    readText(jsonPath, flag),
    readText(join(dir, EVALUATION_OUTPUTS.markdown), flag),
  ]);
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(jsonText) as Record<string, unknown>;
  } catch {
    throw new UserError(`${flag}: ${jsonPath} is not JSON.`);
  }
  const gate = doc.gate as Record<string, unknown> | undefined;
  const rules = gate?.rules;
  if (
    typeof doc.model !== 'string' ||
    (doc.verdict !== 'pass' && doc.verdict !== 'fail') ||
    !Array.isArray(rules) ||
    !rules.every(isRule)
  ) {
    throw new UserError(
      `${flag}: ${jsonPath} is not an evaluation (expected model, verdict pass|fail and gate.rules from 'modelgate evaluate').`,
    );
  }
  const label = (entry: unknown) => (entry as { label?: unknown } | null)?.label;
  return {
    model: doc.model,
    verdict: doc.verdict,
    summary: typeof gate?.summary === 'string' ? gate.summary : doc.verdict,
    rules,
    challenger: String(label(doc.challenger) ?? doc.model),
    champion: typeof label(doc.champion) === 'string' ? (label(doc.champion) as string) : null,
    report,
  };
}
