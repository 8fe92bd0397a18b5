// The sampling page: rules in order with what each kept and dropped, the rules file's reload
// state, candidate rules in shadow beside them, on Kafka which node owns which partition with its
// lag, and "why" for one trace.
// /sampling?why={traceId} opens with that answer.

import { api, traceIdProblem } from './api.js';
import { el, svg, message, keyValueTable } from './dom.js';
import { formatAge, formatProbability, formatTime } from './format.js';

export async function samplingPage(main) {
  document.title = 'Sampling · Tailkeep';
  const rules = el('section', { id: 'rules', class: 'rules' }, el('p', { class: 'loading' }, 'Loading the rules…'));
  // Hidden until the server says it is on Kafka: the all-in-one has no partitions.
  const partitions = el('section', { id: 'partitions', class: 'partitions', hidden: true });
  const candidate = el('section', { id: 'candidate', class: 'candidate' }, el('p', { class: 'loading' }, 'Loading the candidate rules…'));
  const why = whyBox();
  main.replaceChildren(el('h1', {}, 'Sampling'), rules, candidate, partitions, why.element);
  const asked = new URLSearchParams(location.search).get('why');
  await Promise.all([showRules(rules), showCandidate(candidate), showPartitions(partitions), asked ? why.ask(asked) : null]);
}

async function showCandidate(container, body) {
  if (body === undefined) {
    try {
      body = await api.candidate();
    } catch (e) {
      container.replaceChildren(candidateHeader(container), message('error', `Could not load the candidate rules: ${e.message}`));
      return;
    }
  }
  const parts = [candidateHeader(container, body.active)];
  if (!body.sampling) {
    parts.push(el('p', { class: 'hint' }, 'This node runs no sampler: candidate rules are tried on sampler nodes.'));
    container.replaceChildren(...parts);
    return;
  }
  parts.push(el('p', { class: 'hint' }, 'Candidate rules decide every trace beside the rules in force and never act: '
    + 'nothing is kept or dropped because of them. Compare before you make them live.'));
  if (body.file?.refused) {
    parts.push(el('div', { class: 'reload-error', id: 'candidate-file-error' },
      el('h3', {}, `The candidate file ${body.file.path} was refused`),
      el('pre', {}, body.file.refused.errors.join('\n'))));
  }
  parts.push(body.active ? comparison(body) : el('p', { class: 'empty', id: 'candidate-none' },
    body.file ? `No candidate on trial. Write ${body.file.path}, or paste rules below.` : 'No candidate on trial. Paste rules below to try them.'));
  parts.push(proposeForm(container));
  container.replaceChildren(...parts);
}

function candidateHeader(container, active) {
  const refresh = el('button', { type: 'button', onclick: () => showCandidate(container) }, 'Refresh');
  const withdraw = active ? el('button', { type: 'button', id: 'candidate-withdraw', onclick: async () => {
    try {
      await showCandidate(container, await api.withdrawCandidate());
    } catch (e) {
      container.append(message('error', `Could not end the trial: ${e.message}`));
    }
  } }, 'End the trial') : null;
  return el('div', { class: 'rules-header' }, el('h2', {}, 'Candidate rules (shadow)'), el('div', {}, withdraw, refresh));
}

/** What the candidate would have done in the window, beside the rules in force. */
function comparison(body) {
  const seconds = body.window.seconds;
  const since = Date.parse(body.since);
  const rate = (side) => `${Number(side.keptPerSecond.toPrecision(3))}/s`;
  const share = (side) => `${Number((side.keptFraction * 100).toPrecision(3))} %`;
  return el('div', { id: 'candidate-comparison' },
    el('p', {}, `On trial since ${formatTime(since)} (${formatAge(since)}), from ${body.origin}, version `,
      el('code', { id: 'candidate-version', title: body.version }, body.version.slice(0, 12)),
      `. Over the last ${windowSeconds(seconds)}: ${body.traces} traces decided.`),
    el('table', { class: 'rule-list', id: 'candidate-rates' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, ''), el('th', { scope: 'col' }, 'Kept'),
        el('th', { scope: 'col' }, 'Kept per second'), el('th', { scope: 'col' }, 'Share of traces'))),
      el('tbody', {},
        el('tr', { dataset: { side: 'live' } }, el('th', { scope: 'row' }, 'Rules in force'),
          el('td', { class: 'number kept' }, String(body.live.kept)), el('td', { class: 'number' }, rate(body.live)),
          el('td', { class: 'number' }, share(body.live))),
        el('tr', { dataset: { side: 'candidate' } }, el('th', { scope: 'row' }, 'Candidate'),
          el('td', { class: 'number kept' }, String(body.candidate.kept)), el('td', { class: 'number' }, rate(body.candidate)),
          el('td', { class: 'number' }, share(body.candidate))))),
    el('h3', {}, 'What each candidate rule would do'),
    el('table', { class: 'rule-list', id: 'candidate-rules' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, '#'), el('th', { scope: 'col' }, 'Rule'),
        el('th', { scope: 'col' }, 'Would keep'), el('th', { scope: 'col' }, 'Would drop'))),
      el('tbody', {}, body.rules.map((rule, i) => {
        const isDefault = rule.name === 'default';
        return el('tr', { class: 'rule', dataset: { rule: rule.name } },
          el('td', { class: 'number' }, isDefault ? '' : String(i + 1)),
          el('td', {}, el('span', { class: 'rule-name' }, rule.name),
            rule.action ? ruleText(rule) : null,
            isDefault ? el('div', { class: 'rule-text' }, el('span', { class: 'rule-label' }, 'when '), 'no rule above matches ',
              el('span', { class: 'rule-label' }, 'then '), el('code', {}, body.default)) : null),
          el('td', { class: 'number kept' }, String(rule.kept)),
          el('td', { class: 'number dropped' }, String(rule.dropped)));
      }))),
    disagreementList('candidate-kept-only-live', 'Kept now, dropped by the candidate', body.disagreements.keptOnlyLive, true),
    disagreementList('candidate-kept-only-candidate', 'Dropped now, kept by the candidate', body.disagreements.keptOnlyCandidate, false));
}

/** Traces decided differently; those the rules in force kept are stored and open. */
function disagreementList(id, title, disagreement, stored) {
  const shown = disagreement.examples.length;
  const note = shown < disagreement.traces ? ` (the newest ${shown})` : '';
  return el('div', { class: 'disagreement', id },
    el('h3', {}, `${title}: `, el('span', { class: 'disagreement-count' }, String(disagreement.traces)), ` traces${note}`),
    shown === 0 ? null : el('table', { class: 'rule-list' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Trace'), el('th', { scope: 'col' }, 'Rule in force'),
        el('th', { scope: 'col' }, 'Candidate rule'), el('th', { scope: 'col' }, 'Decided'))),
      el('tbody', {}, disagreement.examples.map((d) => el('tr', { dataset: { traceId: d.traceId } },
        el('td', { class: 'trace-id' }, stored ? el('a', { href: `/trace/${d.traceId}` }, d.traceId)
          : el('a', { href: `/sampling?why=${d.traceId}`, title: 'Not stored: the rules in force dropped it' }, d.traceId)),
        el('td', {}, d.liveRule), el('td', {}, d.candidateRule),
        el('td', {}, formatTime(Date.parse(d.decidedAt))))))));
}

function windowSeconds(seconds) {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  return `${Math.round(seconds / 60)} min`;
}

/** Paste a rules file to try it as the candidate; a refusal lists every problem. */
function proposeForm(container) {
  const text = el('textarea', { id: 'candidate-text', rows: 8, spellcheck: 'false', placeholder: 'version: 1\nrules:\n  - name: …' });
  const answer = el('div', { id: 'candidate-answer', 'aria-live': 'polite' });
  const form = el('form', { id: 'candidate-form', class: 'candidate-form', onsubmit: async (event) => {
    event.preventDefault();
    answer.replaceChildren(el('p', { class: 'loading' }, 'Checking…'));
    try {
      await showCandidate(container, await api.proposeCandidate(text.value));
    } catch (e) {
      answer.replaceChildren(message('error', e.message), e.problems.length > 0 ? el('pre', {}, e.problems.join('\n')) : null);
    }
  } }, el('label', { for: 'candidate-text' }, 'Try a rules file as the candidate'), text,
  el('button', { type: 'submit' }, 'Try these rules'), answer);
  return el('details', { class: 'candidate-propose' }, el('summary', {}, 'Try other rules'), form);
}

async function showPartitions(container) {
  let body;
  try {
    body = await api.samplingPartitions();
  } catch (e) {
    // Only a node on Kafka fails here (503: Kafka did not answer); the all-in-one says kafka: false.
    container.hidden = false;
    container.replaceChildren(partitionsHeader(container),
      message('error', `Could not read the partitions' owners: ${e.message}`));
    return;
  }
  if (!body.kafka) {
    container.hidden = true;
    container.replaceChildren();
    container.dataset.kafka = 'false';
    return;
  }
  container.hidden = false;
  const unowned = body.partitions.filter((p) => p.node === null);
  const totalLag = body.partitions.reduce((sum, p) => sum + p.lag, 0);
  container.replaceChildren(
    partitionsHeader(container),
    el('p', { id: 'partition-summary' },
      `Topic ${body.topic}, consumer group ${body.group}: `, el('strong', { id: 'group-state' }, body.state),
      `. ${body.partitions.length} partitions, ${unowned.length} unowned, ${totalLag} records behind in all.`,
      el('span', { class: 'hint' }, ` Read from Kafka at ${formatTime(Date.parse(body.readAt))}.`)),
    unowned.length > 0
      ? message('warning', `${unowned.length} of ${body.partitions.length} partitions without an owner: no sampler is running, or the group is rebalancing. Their records wait in Kafka.`)
      : null,
    el('h3', {}, 'By node'),
    body.nodes.length === 0
      ? el('p', { class: 'empty', id: 'partition-nodes' }, 'No sampler node is in the group.')
      : el('table', { class: 'rule-list', id: 'partition-nodes' },
        el('thead', {}, el('tr', {},
          el('th', { scope: 'col' }, 'Node'), el('th', { scope: 'col' }, 'Partitions'), el('th', { scope: 'col' }, 'Lag (records)'))),
        el('tbody', {}, body.nodes.map((n) => el('tr', { dataset: { node: n.node } },
          el('td', { class: 'node-name' }, n.node),
          el('td', { class: 'number partition-count' }, String(n.partitions)),
          el('td', { class: 'number lag' }, String(n.lag)))))),
    el('h3', {}, 'By partition'),
    el('table', { class: 'rule-list', id: 'partition-list' },
      el('thead', {}, el('tr', {},
        el('th', { scope: 'col' }, 'Partition'), el('th', { scope: 'col' }, 'Node'), el('th', { scope: 'col' }, 'Consumer'),
        el('th', { scope: 'col' }, 'Committed offset'), el('th', { scope: 'col' }, 'End offset'), el('th', { scope: 'col' }, 'Lag (records)'))),
      el('tbody', {}, body.partitions.map(partitionRow))));
}

function partitionsHeader(container) {
  const refresh = el('button', { type: 'button', onclick: () => showPartitions(container) }, 'Refresh');
  return el('div', { class: 'rules-header' }, el('h2', {}, 'Partitions'), refresh);
}

function partitionRow(p) {
  const owned = p.node !== null;
  return el('tr', { class: owned ? 'partition' : 'partition unowned', dataset: { partition: String(p.partition) } },
    el('td', { class: 'number' }, String(p.partition)),
    el('td', { class: 'node-name' }, owned ? p.node : el('span', { class: 'badge' }, 'unowned')),
    el('td', { class: 'consumer' }, owned ? p.consumer : ''),
    el('td', { class: 'number committed' }, p.committedOffset === null ? 'none' : String(p.committedOffset)),
    el('td', { class: 'number end' }, String(p.endOffset)),
    el('td', { class: 'number lag' }, String(p.lag)));
}

async function showRules(container) {
  let body;
  try {
    body = await api.samplingRules();
  } catch (e) {
    container.replaceChildren(message('error', `Could not load the sampling rules: ${e.message}`));
    return;
  }
  const refresh = el('button', { type: 'button', onclick: () => showRules(container) }, 'Refresh');
  const recent = body.recent;
  const recentTitle = recent ? `Last ${windowText(recent)}` : null;
  const table = el('table', { class: 'rule-list', id: 'rule-list' },
    el('thead', {},
      el('tr', {},
        el('th', { scope: 'col', rowspan: 2 }, '#'),
        el('th', { scope: 'col', rowspan: 2 }, 'Rule'),
        recent ? el('th', { scope: 'colgroup', colspan: 3 }, recentTitle) : null,
        el('th', { scope: 'colgroup', colspan: 2 }, 'Since start')),
      el('tr', {},
        recent ? [el('th', { scope: 'col' }, 'Kept'), el('th', { scope: 'col' }, 'Dropped'), el('th', { scope: 'col' }, `Over time (${recent.stepSeconds} s steps)`)] : null,
        el('th', { scope: 'col' }, 'Kept'), el('th', { scope: 'col' }, 'Dropped'))),
    el('tbody', {}, body.rules.map((rule, i) => ruleRow(rule, i, recent, body.default))));
  const parts = [
    el('div', { class: 'rules-header' }, el('h2', {}, 'Rules in force'), refresh),
    el('p', {}, 'Rules are tried in order; the first that matches decides. Traces no rule matches are ',
      el('strong', {}, body.default === 'keep' ? 'kept' : 'dropped'), ` (default). Source: ${body.source}, version `,
      el('code', { id: 'rules-version', title: body.version }, body.version.slice(0, 12)), '.'),
    recent ? null : message('info', 'This server does not collect recent counts; the counts are since start.'),
    table,
  ];
  parts.push(body.file ? fileStatus(body.file)
    : el('p', { class: 'hint', id: 'file-status' }, 'The rules are fixed at start (not read from a watched file): nothing reloads them.'));
  container.replaceChildren(...parts.filter(Boolean));
}

function windowText(recent) {
  const seconds = Math.round((Date.parse(recent.to) - Date.parse(recent.from)) / 1000);
  if (seconds <= 0) return 'moments (counting just started)';
  if (seconds < 120) return `${seconds} s`;
  return `${Math.round(seconds / 60)} min`;
}

function ruleRow(rule, i, recent, defaultAction) {
  const isDefault = rule.name === 'default';
  const order = rule.active && !isDefault ? String(i + 1) : '';
  const name = el('td', {}, el('span', { class: 'rule-name' }, rule.name),
    rule.active ? null : el('span', { class: 'badge' }, 'no longer in the file'),
    rule.action ? ruleText(rule) : null,
    isDefault ? el('div', { class: 'rule-text' }, el('span', { class: 'rule-label' }, 'when '), 'no rule above matches ',
      el('span', { class: 'rule-label' }, 'then '), el('code', {}, defaultAction)) : null);
  return el('tr', { class: rule.active ? 'rule' : 'rule inactive', dataset: { rule: rule.name } },
    el('td', { class: 'number' }, order), name,
    recent ? [
      el('td', { class: 'number recent-kept' }, String(rule.recent.kept)),
      el('td', { class: 'number recent-dropped' }, String(rule.recent.dropped)),
      el('td', {}, sparkline(rule.recent.keptSteps, rule.recent.droppedSteps)),
    ] : null,
    el('td', { class: 'number kept' }, String(rule.kept)),
    el('td', { class: 'number dropped' }, String(rule.dropped)));
}

/** What a rule does, as written in the file: when (its conditions), then its action. */
function ruleText(rule) {
  const when = rule.conditions.length === 0 ? 'every trace'
    : rule.conditions.length === 1 ? null : (rule.match === 'any' ? 'any of:' : 'all of:');
  return el('div', { class: 'rule-text' },
    rule.description ? el('div', { class: 'rule-description' }, rule.description) : null,
    el('div', { class: 'rule-when' }, el('span', { class: 'rule-label' }, 'when '), when,
      rule.conditions.length === 0 ? null
        : el('ul', { class: 'rule-conditions' }, rule.conditions.map((c) => el('li', {}, el('code', {}, c))))),
    el('div', { class: 'rule-action' }, el('span', { class: 'rule-label' }, 'then '), el('code', {}, rule.action)));
}

/** Kept (up) and dropped (down) per step, oldest on the left. */
function sparkline(kept, dropped) {
  const width = 180;
  const height = 32;
  const steps = Math.max(kept.length, 1);
  const highest = Math.max(1, ...kept, ...dropped);
  const barWidth = width / steps;
  const chart = svg('svg', { class: 'sparkline', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img',
    'aria-label': `kept ${kept.reduce((a, b) => a + b, 0)}, dropped ${dropped.reduce((a, b) => a + b, 0)}` },
    svg('line', { x1: 0, y1: height / 2, x2: width, y2: height / 2, class: 'baseline' }));
  kept.forEach((count, i) => {
    if (count > 0) {
      const h = (count / highest) * (height / 2);
      chart.append(svg('rect', { x: i * barWidth, y: height / 2 - h, width: Math.max(1, barWidth - 0.5), height: h, class: 'kept-bar' }));
    }
    const d = dropped[i] ?? 0;
    if (d > 0) {
      chart.append(svg('rect', { x: i * barWidth, y: height / 2, width: Math.max(1, barWidth - 0.5), height: (d / highest) * (height / 2), class: 'dropped-bar' }));
    }
  });
  return chart;
}

function fileStatus(file) {
  const loaded = Date.parse(file.loadedAt);
  const parts = [
    el('h2', {}, 'Rules file'),
    keyValueTable([
      ['Path', file.path],
      ['SHA-256', file.sha256],
      ['Loaded', `${formatTime(loaded)} (${formatAge(loaded)})`],
      ['Reloads', String(file.reloads)],
      ['Reload errors', String(file.reloadErrors)],
    ], 'kv file-status'),
  ];
  if (file.invalidOnDisk) {
    parts.push(message('error', 'The file on disk is invalid; the rules above are the last good version.'));
  }
  if (file.lastError) {
    const at = Date.parse(file.lastError.at);
    parts.push(el('div', { class: 'reload-error', id: 'reload-error' },
      el('h3', {}, `Last reload error, ${formatTime(at)} (${formatAge(at)})`),
      el('pre', {}, file.lastError.errors.join('\n'))));
  }
  return el('section', { class: 'file-status', id: 'file-status' }, parts);
}

function whyBox() {
  const input = el('input', { id: 'why-input', name: 'traceId', placeholder: 'Trace ID', autocomplete: 'off', spellcheck: 'false' });
  const answer = el('div', { id: 'why-answer', 'aria-live': 'polite' });
  async function ask(text) {
    input.value = text;
    const problem = traceIdProblem(text.trim());
    if (problem !== null) {
      answer.replaceChildren(message('error', problem));
      return;
    }
    answer.replaceChildren(el('p', { class: 'loading' }, 'Asking…'));
    try {
      answer.replaceChildren(decision(await api.why(text.trim())));
    } catch (e) {
      answer.replaceChildren(message('error', e.message));
    }
  }
  const form = el('form', { class: 'why-form', id: 'why-form', onsubmit: (event) => {
    event.preventDefault();
    history.replaceState(null, '', `/sampling?why=${encodeURIComponent(input.value.trim())}`);
    ask(input.value);
  } }, input, el('button', { type: 'submit' }, 'Why?'));
  const element = el('section', { class: 'why' }, el('h2', {}, 'Why was a trace kept or dropped?'),
    el('p', { class: 'hint' }, 'The sampler remembers recent decisions only.'), form, answer);
  return { element, ask };
}

function decision(d) {
  const verdict = d.decision === 'kept' ? 'Kept' : 'Dropped';
  return el('div', { class: `decision ${d.decision}` },
    el('p', { class: 'verdict' }, el('strong', {}, verdict), ' by rule ', el('strong', { class: 'rule-name' }, d.rule)),
    keyValueTable([
      ['Trace ID', d.traceId],
      ['Probability', formatProbability(d.probability)],
      ['Counts for', d.decision === 'kept' ? `${Number(d.adjustedCount.toPrecision(4))} traces` : '0 (dropped)'],
      ['Rate limited', d.rateLimited ? 'yes' : 'no'],
      ['Decided because', d.reason.replaceAll('_', ' ')],
      ['Decided at', formatTime(Date.parse(d.decidedAt))],
      ['Spans at decision', String(d.spansDecided)],
      ['Late spans', String(d.lateSpans)],
      ['Rules version', d.rulesVersion.slice(0, 12)],
    ], 'kv decision-facts'),
    d.decision === 'kept' ? el('p', {}, el('a', { href: `/trace/${d.traceId}` }, 'Open the trace')) : null);
}
