#!/usr/bin/env node
// Generates the action usage tables from the action.yml files, so docs and actions cannot drift:
//   README.md  between <!-- action-inputs:start ... --> and <!-- action-inputs:end -->
//   ACTIONS.md between <!-- action-reference:start ... --> and <!-- action-reference:end -->
// Usage: node scripts/action-docs.mjs [--check] [--root <dir>]
//   --check  write nothing; exit 1 and name the files that are out of date
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const args = process.argv.slice(2);
const check = args.includes('--check');
const rootIndex = args.indexOf('--root');
const root = rootIndex >= 0 ? args[rootIndex + 1] : join(import.meta.dirname, '..');

const cell = (text) =>
  String(text ?? '')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ')
    .trim();
const code = (text) => (text === undefined || text === '' ? '' : `\`${cell(text)}\``);

/** A Markdown table with its columns padded, as the repository's formatter (biome) lays them out. */
function table(header, rows) {
  const width = (text) => [...text].length;
  const widths = header.map((h, c) => Math.max(3, width(h), ...rows.map((r) => width(r[c] ?? ''))));
  const line = (cells) => `| ${cells.map((v, c) => v + ' '.repeat(widths[c] - width(v))).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function readAction(file) {
  return parse(readFileSync(join(root, file), 'utf8'));
}

function stageActions() {
  return readdirSync(join(root, 'actions'), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
    .map((name) => ({
      name,
      file: `actions/${name}/action.yml`,
      action: readAction(`actions/${name}/action.yml`),
    }));
}

function inputsTable(action) {
  const rows = Object.entries(action.inputs ?? {}).map(([name, spec]) => [
    `\`${name}\``,
    spec.required ? 'yes' : '',
    code(spec.default),
    cell(spec.description),
  ]);
  return table(['input', 'required', 'default', 'description'], rows);
}

function outputsTable(action) {
  const rows = Object.entries(action.outputs ?? {}).map(([name, spec]) => [
    `\`${name}\``,
    cell(spec.description),
  ]);
  return table(['output', 'description'], rows);
}

/** README: one line per stage action (what it does, its inputs), then the umbrella's command input. */
function readmeBlock() {
  const names = (record) =>
    Object.keys(record ?? {})
      .map((n) => `\`${n}\``)
      .join(', ');
  const rows = stageActions().map(({ name, action }) => [
    `[\`actions/${name}\`](actions/${name}/action.yml)`,
    cell(action.description),
    names(action.inputs),
    names(action.outputs),
  ]);
  const umbrella = readAction('action.yml');
  return [
    '',
    table(['action', 'what it does', 'inputs', 'outputs'], rows),
    '',
    `The root action (\`uses: <owner>/modelgate@v1\`) takes \`command\` (${cell(umbrella.inputs.command.description)}).`,
    'Every input and output is described in [ACTIONS.md](ACTIONS.md).',
    '',
  ].join('\n');
}

function referenceBlock() {
  const sections = stageActions().map(({ name, file, action }) =>
    [
      `### \`actions/${name}\``,
      '',
      `${cell(action.description)} ([${file}](${file}))`,
      '',
      inputsTable(action),
      '',
      outputsTable(action),
    ].join('\n'),
  );
  const umbrella = readAction('action.yml');
  sections.push(
    [
      '### The root action (`command` input)',
      '',
      `${cell(umbrella.description)} ([action.yml](action.yml))`,
      '',
      inputsTable(umbrella),
      '',
      outputsTable(umbrella),
    ].join('\n'),
  );
  return `\n${sections.join('\n\n')}\n`;
}

/** Replaces what is between the start marker (whatever its comment says) and the end marker. */
function splice(text, marker, body, file) {
  const start = new RegExp(`<!-- ${marker}:start[^>]*-->`);
  const end = `<!-- ${marker}:end -->`;
  const s = text.match(start);
  const e = text.indexOf(end);
  if (!s || s.index === undefined || e < s.index) {
    throw new Error(`${file}: expected the markers <!-- ${marker}:start --> and ${end}`);
  }
  return text.slice(0, s.index + s[0].length) + body + text.slice(e);
}

const targets = [
  { file: 'README.md', marker: 'action-inputs', body: readmeBlock() },
  { file: 'ACTIONS.md', marker: 'action-reference', body: referenceBlock() },
];
const stale = [];
for (const { file, marker, body } of targets) {
  const path = join(root, file);
  const before = readFileSync(path, 'utf8');
  const after = splice(before, marker, body, file);
  if (after === before) continue;
  stale.push(file);
  if (!check) writeFileSync(path, after);
}
if (check && stale.length > 0) {
  console.error(
    `${stale.join(', ')}: out of date with the action.yml files. Run: node scripts/action-docs.mjs`,
  );
  process.exit(1);
}
console.log(stale.length === 0 ? 'action docs up to date' : `updated ${stale.join(', ')}`);
