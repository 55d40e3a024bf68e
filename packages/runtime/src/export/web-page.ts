import { escapeHtml, htmlPage } from '@modelgate/core';

/** No network beyond the bundle's own origin; 'wasm-unsafe-eval' lets onnxruntime-web compile its WASM. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; img-src 'self' data:; style-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

/** index.html: a form generated from schema.json and a CSV drop zone; the logic is in app.js. */
export function indexHtml(title: string): string {
  return htmlPage({
    csp: CONTENT_SECURITY_POLICY,
    title,
    head: [
      '<link rel="icon" href="data:,">',
      '<link rel="stylesheet" href="style.css">',
      '<script type="module" src="app.js"></script>',
    ],
    body: `<h1>${escapeHtml(title)}</h1>
<p id="status">Loading the model…</p>
<section>
<h2>One row</h2>
<form id="features"></form>
</section>
<section>
<h2>A CSV file</h2>
<label id="drop" for="csv">Drop a CSV file here, or click to choose one (header row = feature names).</label>
<input id="csv" type="file" accept=".csv,text/csv">
</section>
<section>
<h2>Predictions</h2>
<table id="predictions"><thead></thead><tbody></tbody></table>
</section>`,
  });
}

export const STYLE_CSS = `body { font-family: system-ui, sans-serif; margin: 2rem; max-width: 60rem; }
form { display: grid; grid-template-columns: max-content 1fr; gap: 0.4rem 1rem; align-items: center; }
form button { grid-column: 2; justify-self: start; }
#drop { display: block; border: 2px dashed #888; border-radius: 0.5rem; padding: 1.5rem; text-align: center; cursor: pointer; }
#drop.over { background: #eef; }
#csv { display: none; }
table { border-collapse: collapse; margin-top: 0.5rem; }
th, td { border: 1px solid #ccc; padding: 0.2rem 0.5rem; text-align: left; }
.error { color: #b00; }
`;

export const APP_JS = String.raw`// The page's logic: a form from schema.json, a CSV drop zone, a table of predictions.
import { predict, schema as loadSchema } from './modelgate-model.js';

const MAX_ROWS_SHOWN = 1000;
const status = document.getElementById('status');
const form = document.getElementById('features');
const table = document.getElementById('predictions');

function say(text, error = false) {
  status.textContent = text;
  status.className = error ? 'error' : '';
}

function field(feature, i) {
  const id = 'feature-' + i;
  const label = document.createElement('label');
  label.htmlFor = id;
  label.textContent = feature.name;
  let input;
  if (feature.kind === 'categorical' && feature.categories) {
    input = document.createElement('select');
    for (const value of ['', ...feature.categories]) {
      const option = document.createElement('option');
      option.value = value;
      option.textContent = value === '' ? '(missing)' : value;
      input.append(option);
    }
  } else {
    // Text, not type=number: a browser empties a number field it cannot parse ('abc', '1,75'),
    // which would score the row as missing instead of refusing it as modelgate predict does.
    input = document.createElement('input');
    input.type = 'text';
    if (feature.kind === 'numeric') input.inputMode = 'decimal';
    input.placeholder = '(missing)';
  }
  input.id = id;
  input.name = feature.name;
  form.append(label, input);
}

function outputColumns(schema) {
  if (schema.task === 'regression') return ['prediction'];
  return schema.outputs.probabilities ? ['label', ...schema.classes.map((c) => 'P(' + c + ')')] : ['label'];
}

function outputCells(schema, p) {
  if (schema.task === 'regression') return [p.prediction];
  return p.probabilities ? [p.label, ...schema.classes.map((c) => p.probabilities[c])] : [p.label];
}

function show(schema, rows, predictions) {
  const names = schema.features.map((f) => f.name);
  const head = document.createElement('tr');
  for (const name of [...names, ...outputColumns(schema)]) {
    const th = document.createElement('th');
    th.textContent = name;
    head.append(th);
  }
  table.tHead.replaceChildren(head);
  const body = rows.slice(0, MAX_ROWS_SHOWN).map((row, i) => {
    const tr = document.createElement('tr');
    for (const value of [...names.map((n) => row[n]), ...outputCells(schema, predictions[i])]) {
      const td = document.createElement('td');
      td.textContent = typeof value === 'number' ? String(Number(value.toPrecision(6))) : String(value ?? '');
      tr.append(td);
    }
    return tr;
  });
  table.tBodies[0].replaceChildren(...body);
  const more = rows.length > MAX_ROWS_SHOWN ? ' (first ' + MAX_ROWS_SHOWN + ' shown)' : '';
  say(rows.length + ' prediction' + (rows.length === 1 ? '' : 's') + more + '.');
}

/** RFC 4180: quoted fields may hold commas, quotes ("") and newlines. */
function parseCsv(text) {
  const records = [];
  let record = [];
  let value = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (value += '"'), i++;
      else if (c === '"') quoted = false;
      else value += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') record.push(value), (value = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(value);
      if (record.length > 1 || record[0] !== '') records.push(record);
      record = [];
      value = '';
    } else value += c;
  }
  record.push(value);
  if (record.length > 1 || record[0] !== '') records.push(record);
  const [header, ...lines] = records;
  if (!header) throw new Error('the CSV file is empty');
  return lines.map((line) => Object.fromEntries(header.map((name, j) => [name, line[j] ?? ''])));
}

async function run(rows) {
  const schema = await loadSchema();
  try {
    show(schema, rows, await predict(rows));
  } catch (err) {
    say(err instanceof Error ? err.message : String(err), true);
  }
}

async function readFile(file) {
  say('Reading ' + file.name + '…');
  try {
    await run(parseCsv(await file.text()));
  } catch (err) {
    say(file.name + ': ' + (err instanceof Error ? err.message : String(err)), true);
  }
}

async function start() {
  const schema = await loadSchema();
  schema.features.forEach(field);
  const button = document.createElement('button');
  button.type = 'submit';
  button.textContent = 'Predict';
  form.append(button);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    run([Object.fromEntries(schema.features.map((f) => [f.name, form.elements.namedItem(f.name).value]))]);
  });
  const drop = document.getElementById('drop');
  const picker = document.getElementById('csv');
  picker.addEventListener('change', () => picker.files[0] && readFile(picker.files[0]));
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('over');
    const file = event.dataTransfer.files[0];
    if (file) readFile(file);
  });
  say('Ready: ' + schema.task + ' model' + (schema.target ? ' of ' + schema.target : '') + '.');
  document.body.dataset.ready = 'true';
}

start().catch((err) => say('Cannot load the model: ' + (err instanceof Error ? err.message : String(err)), true));
`;
