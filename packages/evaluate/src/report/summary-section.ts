import type { EvaluationDocument, ModelEntry } from '../evaluate/document.js';
import { code, type Inline, type ReportSection } from './content.js';
import { plural, shortSha } from './format.js';

const SPEC_SOURCES = {
  'onnx-metadata': 'features from its ONNX metadata',
  'metadata.json': 'features from metadata.json beside it',
  flags: 'features from the command line',
  'training-data': 'features from the training split',
} as const;

function modelLine(role: string, model: ModelEntry): Inline[] {
  const origin = model.registry
    ? [
        code(`${model.registry.name}@${model.registry.version}`),
        ...(model.registry.stage ? [' (stage ', code(model.registry.stage), ')'] : []),
      ]
    : [code(model.path)];
  return [
    `${role}: `,
    ...origin,
    ' · sha256 ',
    code(shortSha(model.sha256)),
    ` · ${SPEC_SOURCES[model.spec]}`,
  ];
}

/** Who was compared with whom, on what: the lines under the verdict. */
export function summarySection(doc: EvaluationDocument): ReportSection {
  const { holdout } = doc;
  const dropped = holdout.droppedRows > 0 ? ` (${holdout.droppedRows} without a target left out)` : '';
  const items: Inline[][] = [
    modelLine('Challenger', doc.challenger),
    doc.champion
      ? modelLine('Champion', doc.champion)
      : ['Champion: none', ...(doc.championNote ? [` (${doc.championNote})`] : [])],
    [
      'Holdout: ',
      code(holdout.source),
      ` · ${plural(holdout.rows, 'row')}${dropped} · sha256 `,
      code(shortSha(holdout.sha256)),
    ],
    ...doc.warnings.map((w): Inline[] => [`Warning: ${w}`]),
  ];
  return { title: '', collapsed: false, blocks: [{ kind: 'list', items }] };
}
