import type { EvaluationDocument } from '../evaluate/document.js';
import { evaluationCharts } from './charts.js';
import type { ReportContent, ReportSection } from './content.js';
import { detailSections } from './details-section.js';
import { gateSection } from './gate-section.js';
import { metricsSection } from './metrics-section.js';
import { slicesSection } from './slices-section.js';
import { summarySection } from './summary-section.js';

function chartSection(doc: EvaluationDocument): ReportSection[] {
  const charts = evaluationCharts(doc);
  if (charts.length === 0) return [];
  return [{ title: 'Charts', collapsed: false, blocks: charts.map((chart) => ({ kind: 'chart', chart })) }];
}

/** The report's content, verdict first: what report.md and report.html both render. */
export function buildReport(doc: EvaluationDocument): ReportContent {
  return {
    pass: doc.gate.pass,
    title: `${doc.model} ${doc.gate.pass ? 'passes' : 'fails'} the gate`,
    summary: [{ strong: doc.gate.pass ? 'pass' : 'fail' }, doc.gate.summary.replace(/^(pass|fail)/, '')],
    sections: [
      summarySection(doc),
      gateSection(doc),
      ...metricsSection(doc),
      ...chartSection(doc),
      ...slicesSection(doc),
      ...detailSections(doc),
    ],
  };
}
