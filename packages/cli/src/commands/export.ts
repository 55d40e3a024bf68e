import { withDatabase } from '@modelgate/core';
import {
  checkQuantizedQuality,
  DEFAULT_QUALITY_TOLERANCE,
  QUANTIZE_MODES,
  type QualityCheck,
  type QuantizeResult,
  quantizeModel,
  writeWebBundle,
} from '@modelgate/runtime';
import type { Command } from 'commander';
import type { CommandOutcome, Finding } from '../outcome.js';
import type { Wrap } from '../runner.js';
import { type ExportModel, resolveExportModel } from './export-model.js';
import { bundleLines, exportSummary, qualityLine, quantizeLine } from './export-report.js';
import {
  EXPORT_TARGETS,
  type ExportFlags,
  type ExportSettings,
  parseExportSettings,
} from './export-settings.js';
import { addRegistryOption } from './registry-options.js';
import { addSpecOptions } from './spec-options.js';

const NOTES = `
--model is an ONNX file, a training output directory or a registry reference.
A model that records no spec (a bare ONNX file) is described with --spec <file>,
or --features a,b,c (input order) with --classes x,y and --task.
The bundle is a static site: model.onnx, schema.json, modelgate-model.js (an ES
module exporting predict(rows) and schema()), index.html (a form and a CSV drop
zone), and onnxruntime-web's single-threaded WASM runtime. It fetches nothing
from other origins. The page is titled --title, else the model's name@version
(registered) or its file's name: no local path is published. Serve it over
HTTP from any static host (file:// will not work).
--quantize fp16 stores float weights as float16; int8 stores MatMul/Gemm/Add
weights as int8 with a scale. The quantized model is scored against the original
on --holdout (accuracy, or RMSE for regressors); a drop above --tolerance
(default ${DEFAULT_QUALITY_TOLERANCE}) refuses the export unless --allow-quality-drop.
Exit codes: 0 written, 1 refused (quality drop), 2 bad input.`;

export function registerExport(program: Command, wrap: Wrap): void {
  const command = addRegistryOption(
    program
      .command('export')
      .description('write a static web bundle that predicts in the browser (onnxruntime-web)')
      .requiredOption(
        '-m, --model <model.onnx|ref>',
        'an ONNX model, a training output directory, or a registry reference (name#stage, name@v3)',
      )
      .requiredOption('-t, --target <target>', `what to build: ${EXPORT_TARGETS.join(', ')}`)
      .requiredOption('-o, --out <dir>', 'the bundle directory (new or empty)')
      .option('--quantize <mode>', `shrink the model: ${QUANTIZE_MODES.join(' or ')}`)
      .option(
        '--holdout <file>',
        'data with the target column, to check the quantized model against the original',
      )
      .option(
        '--tolerance <x>',
        `largest accepted accuracy drop (or relative RMSE rise) (default ${DEFAULT_QUALITY_TOLERANCE})`,
      )
      .option('--allow-quality-drop', 'warn instead of refusing when quality drops more than --tolerance')
      .option('--force', 'replace the files of a non-empty --out')
      .option(
        '--title <text>',
        "the page's title (default: name@version of a registered model, else the model file's name)",
      ),
  );
  addSpecOptions(command)
    .addHelpText('after', NOTES)
    .action(wrap<ExportFlags>((flags) => runExport(flags)));
}

/** What the command reports, line by line; warnings also become annotations. */
class Report {
  readonly lines: string[] = [];
  readonly findings: Finding[] = [];
  line(text: string): void {
    this.lines.push(text);
  }
  warn(message: string): void {
    this.lines.push(`warning: ${message}`);
    this.findings.push({ level: 'warning', title: 'modelgate export', message });
  }
}

interface Quantized {
  result: QuantizeResult;
  quality: QualityCheck | null;
}

/** Quantizes and checks the result on the holdout; null quality when unchecked. */
async function quantizeStep(
  settings: ExportSettings,
  model: ExportModel,
  report: Report,
): Promise<Quantized | null> {
  if (!settings.quantize) return null;
  const result = quantizeModel(model.bytes, settings.quantize, model.label);
  if (result.nothingToQuantize) {
    report.warn(quantizeLine(result));
    return { result, quality: null };
  }
  report.line(quantizeLine(result));
  const { holdout, tolerance } = settings;
  if (!holdout) {
    report.warn(`--quantize ${settings.quantize}: quality not checked (no --holdout; --allow-quality-drop)`);
    return { result, quality: null };
  }
  const quality = await withDatabase((db) =>
    checkQuantizedQuality(db, model.bytes, result.bytes, {
      holdout,
      tolerance,
      spec: model.spec,
      label: model.label,
    }),
  );
  if (quality.passed || !settings.allowQualityDrop) report.line(qualityLine(quality));
  else report.warn(`${qualityLine(quality)} (--allow-quality-drop)`);
  return { result, quality };
}

function quantizeData(q: QuantizeResult | undefined) {
  if (!q) return null;
  const { bytes: _bytes, ...rest } = q;
  return rest;
}

async function runExport(flags: ExportFlags): Promise<CommandOutcome> {
  const settings = parseExportSettings(flags);
  const model = await resolveExportModel(settings.model, settings.registry, settings.specFlags);
  const report = new Report();
  const quantized = await quantizeStep(settings, model, report);
  const quality = quantized?.quality ?? null;
  if (quality && !quality.passed && !settings.allowQualityDrop) {
    report.line(
      'refused: the quantized model is worse than --tolerance allows; nothing written (pass --allow-quality-drop to export it anyway)',
    );
    return {
      exitCode: 1,
      data: { refused: true, model: model.label, quantize: quantizeData(quantized?.result), quality },
      text: report.lines.join('\n'),
      findings: [{ level: 'error', title: 'modelgate export', message: qualityLine(quality) }],
      summary: exportSummary(model.label, null, report.lines),
    };
  }
  const bundle = await writeWebBundle({
    model: quantized?.result.bytes ?? model.bytes,
    out: settings.out,
    spec: model.spec,
    label: model.label,
    title: settings.title ?? model.title,
    force: settings.force,
  });
  const lines = [...bundleLines(bundle, model.label), ...report.lines];
  return {
    exitCode: 0,
    data: {
      out: bundle.out,
      model: {
        label: model.label,
        sha256: model.sha256,
        registry: model.registry,
        specSource: model.specSource,
      },
      target: settings.target,
      files: bundle.files,
      replaced: bundle.replaced,
      schema: bundle.schema,
      quantize: quantizeData(quantized?.result),
      quality,
    },
    text: lines.join('\n'),
    findings: report.findings,
    summary: exportSummary(model.label, bundle, lines),
  };
}
