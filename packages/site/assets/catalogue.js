// The catalogue's search: filters the models table and lists matching versions, from the data in
// catalogue-data.js. Text goes into the page through textContent only, never as HTML.
(() => {
  const data = window.modelgateSearch;
  const form = document.getElementById('search');
  const input = document.getElementById('q');
  const stageSelect = document.getElementById('stage');
  const status = document.getElementById('search-status');
  const results = document.getElementById('version-results');
  const list = document.getElementById('version-list');
  const more = document.getElementById('version-more');
  const table = document.getElementById('models');
  if (!data || !form || !input || !stageSelect || !status || !results || !list || !more) return;

  const MAX_SHOWN = 200;
  const modelRows = table ? Array.from(table.tBodies[0].rows) : [];
  for (const stage of [...data.stages, 'archived']) {
    const option = document.createElement('option');
    option.value = stage;
    option.textContent = stage;
    stageSelect.append(option);
  }
  // One lowercase string per version to match terms against, built once.
  const versions = data.versions.map((row) => {
    const [model, version, registered, stages, archived, verdict] = row;
    const m = data.models[model];
    const words = [
      `${m.name}@${version}`,
      m.name,
      version,
      stages,
      archived ? 'archived' : '',
      verdict,
      m.task || '',
    ];
    return { row, text: words.join(' ').toLowerCase(), stages: stages.split(' '), registered };
  });

  const matches = (text, terms) => terms.every((t) => text.includes(t));
  const inStage = (stages, archived, stage) =>
    stage === '' || (stage === 'archived' ? archived === 1 : stages.includes(stage));

  function versionItem(entry) {
    const [model, version, registered, stages, archived, verdict, value] = entry.row;
    const m = data.models[model];
    const item = document.createElement('li');
    const a = document.createElement('a');
    a.href = m.url.replace(/index\.html$/, `${encodeURIComponent(version)}.html`);
    a.textContent = `${m.name} ${version}`;
    item.append(a);
    const details = [registered, stages, archived ? 'archived' : '', verdict ? `gate: ${verdict}` : ''];
    if (value !== null && m.metric) details.push(`${m.metric} ${Number(value.toPrecision(4))}`);
    item.append(` ${details.filter(Boolean).join(' · ')}`);
    return item;
  }

  function apply() {
    const query = input.value.trim().toLowerCase();
    const stage = stageSelect.value;
    const terms = query.split(/\s+/).filter(Boolean);
    let shownModels = 0;
    for (const row of modelRows) {
      const text = row.dataset.search || '';
      const stageOk = stage === '' || stage === 'archived' || text.split(' ').includes(stage);
      const show = stageOk && matches(text, terms);
      row.hidden = !show;
      if (show) shownModels++;
    }
    const found =
      terms.length === 0 && stage === ''
        ? []
        : versions.filter((v) => inStage(v.stages, v.row[4], stage) && matches(v.text, terms));
    list.replaceChildren(...found.slice(0, MAX_SHOWN).map(versionItem));
    results.hidden = found.length === 0;
    more.textContent =
      found.length > MAX_SHOWN ? `${found.length - MAX_SHOWN} more; add words to narrow the search.` : '';
    status.textContent =
      terms.length === 0 && stage === ''
        ? `${modelRows.length} models, ${versions.length} versions.`
        : `${shownModels} of ${modelRows.length} models and ${found.length} versions match.`;
    const hash = new URLSearchParams();
    if (query) hash.set('q', input.value.trim());
    if (stage) hash.set('stage', stage);
    const next = hash.toString();
    if (location.hash.slice(1) === next) return;
    try {
      history.replaceState(null, '', next ? `#${next}` : location.pathname);
    } catch {
      // Some browsers refuse history changes for file:// pages; the search still works.
    }
  }

  // A search is a permalink: #q=...&stage=...
  const initial = new URLSearchParams(location.hash.slice(1));
  input.value = initial.get('q') || '';
  const wanted = initial.get('stage') || '';
  if ([...stageSelect.options].some((o) => o.value === wanted)) stageSelect.value = wanted;
  let timer = 0;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(apply, 60);
  });
  stageSelect.addEventListener('change', apply);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    apply();
  });
  form.hidden = false;
  apply();
  performance.mark('modelgate:catalogue-ready');
})();
