// Converts one decision tree of a procedure pack into a SurveyJS survey (JSON for survey-core's
// SurveyModel), for the side-by-side benchmark against SurveyJS (bench/peer.mjs, issue 4).
//
//   node bench/peer/tree-to-survey.mjs <pack.json> <tree-id>   prints the survey JSON
//   node bench/peer/tree-to-survey.mjs --check [pack.json…]    the self-check (default: packs/*.json)
//
// The survey is one page. Every question of the tree is a SurveyJS question, in an order where each
// comes after every question that can lead to it; every outcome is a read-only `expression`
// question whose title is the code and priority and whose description is the reason (plain text:
// nothing from the pack is rendered as HTML). `visibleIf` expressions make SurveyJS show exactly the
// questions on the path the answers take, then the outcome it ends in:
//
// - a question (or outcome) is reached when an answer of a question leads to it, or a question that
//   leads to it is skipped (its `ask_if` does not hold when it is reached, so the tree goes to its
//   `skip_to`);
// - a question is visible when it is reached and its `ask_if`, if any, holds;
// - `clearInvisibleValues: "onHidden"` empties a question as soon as it is hidden, so only the
//   questions on the path hold answers. That is what lets "an answer of P leads to Q" be written
//   as a test of P's value alone, and it matches the engine, which only knows the answers given on
//   the way (engine/src/call/machine.rs, `Call::answer`, `go` and `holds`).
//
// Answers: choice → radiogroup (value = option id); yes_no → radiogroup Yes/No (values "yes", "no";
// the widget also shows Yes and No as radios, in that order); number → text input of type number
// with min and max; text → comment. A number outside min..max, or a text of spaces only, leads
// nowhere, as the engine refuses both.
//
// The self-check walks answer paths through every tree of the given packs with a small walker that
// follows the engine's rules, sets the same answers on a survey-core SurveyModel (survey-core runs
// in Node), and checks after every answer that the survey shows the same questions and outcome.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');

export class ConversionError extends Error {}

// ---------------------------------------------------------------------------------------------
// The tree as the engine walks it

/** The tree with id `treeId` in `pack`, or a ConversionError naming the trees there are. */
export function findTree(pack, treeId) {
  const trees = Array.isArray(pack?.trees) ? pack.trees : [];
  const tree = trees.find((t) => t.id === treeId);
  if (!tree) {
    throw new ConversionError(`no tree "${treeId}" in the pack; the trees are ${trees.map((t) => `"${t.id}"`).join(', ') || 'none'}`);
  }
  return tree;
}

/**
 * Where answering `node` with `value` leads (`{node}` or `{outcome}`), or null when the engine would
 * refuse the answer. Values: an option id (choice), true/false (yes_no), a number, a string (text).
 */
export function answerLeadsTo(node, value) {
  const answer = node.answer;
  switch (answer.kind) {
    case 'choice':
      return answer.options.find((o) => o.id === value)?.next ?? null;
    case 'yes_no':
      return typeof value === 'boolean' ? (value ? answer.yes : answer.no) : null;
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < answer.min || value > answer.max) return null;
      const branch = (answer.branches ?? []).find(
        (b) => (b.at_least === undefined || value >= b.at_least) && (b.below === undefined || value < b.below),
      );
      return branch ? branch.next : answer.otherwise;
    }
    case 'text':
      return typeof value === 'string' && value.trim() !== '' ? answer.next : null;
    default:
      throw new ConversionError(`question "${node.id}": unknown answer kind "${answer.kind}"`);
  }
}

/**
 * Whether `condition` holds given `answers` ([node id, value, answer kind], in the order given):
 * `Call::holds`.
 */
export function holds(condition, answers) {
  const last = (id) => {
    for (let i = answers.length - 1; i >= 0; i--) if (answers[i][0] === id) return { value: answers[i][1], kind: answers[i][2] };
    return null;
  };
  if (condition.answered) {
    const found = last(condition.answered.node);
    if (found?.kind === 'yes_no') return (condition.answered.is === 'yes') === found.value;
    if (found?.kind === 'choice') return found.value === condition.answered.is;
    return false; // not answered, or a number or text answer
  }
  if (condition.at_least) {
    const found = last(condition.at_least.node);
    return found?.kind === 'number' && found.value >= condition.at_least.value;
  }
  if (condition.all) return condition.all.every((c) => holds(c, answers));
  if (condition.any) return condition.any.some((c) => holds(c, answers));
  if (condition.not) return !holds(condition.not, answers);
  throw new ConversionError(`unknown condition ${JSON.stringify(condition)}`);
}

/**
 * Follows `next`, skipping questions whose `ask_if` does not hold (`Call::go`). Returns
 * `{ node }` (the question now asked) or `{ outcome }`.
 */
export function follow(tree, answers, next) {
  for (let guard = 0; guard <= tree.nodes.length; guard++) {
    if (next.outcome !== undefined) return { outcome: next.outcome };
    const node = tree.nodes.find((n) => n.id === next.node);
    if (!node) throw new ConversionError(`tree "${tree.id}": no question "${next.node}"`);
    if (node.ask_if && node.skip_to && !holds(node.ask_if, answers)) next = node.skip_to;
    else return { node: node.id };
  }
  throw new ConversionError(`tree "${tree.id}": skip_to goes round in a loop`);
}

/**
 * Walks `tree` with `answers` ([node id, value]…, each for the question then asked). Returns the
 * questions asked in order (`asked`, the last one still open unless there is an outcome),
 * `outcome` (an outcome id or null) and `refused` (the index of the first answer the engine
 * refuses, or null; the walk stops there).
 */
export function walkTree(tree, answers) {
  const given = [];
  let at = follow(tree, given, { node: tree.start });
  const asked = [];
  for (let i = 0; ; i++) {
    if (at.outcome !== undefined) return { asked, outcome: at.outcome, refused: null };
    asked.push(at.node);
    if (i >= answers.length) return { asked, outcome: null, refused: null };
    const [id, value] = answers[i];
    if (id !== at.node) throw new ConversionError(`answer ${i} is for "${id}" but the question asked is "${at.node}"`);
    const node = tree.nodes.find((n) => n.id === id);
    const next = answerLeadsTo(node, value);
    if (!next) return { asked, outcome: null, refused: i };
    given.push([id, value, node.answer.kind]);
    at = follow(tree, given, next);
  }
}

/** The answers a question offers as radios, in the widget's order: [value, label]. */
export function radioAnswers(node) {
  if (node.answer.kind === 'choice') return node.answer.options.map((o) => [o.id, o.label]);
  if (node.answer.kind === 'yes_no') return [[true, 'Yes'], [false, 'No']];
  return [];
}

// ---------------------------------------------------------------------------------------------
// The conversion

// SurveyJS expressions read `{name}`; a name with '.', '[' or '}' would be read as a path.
const SAFE_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
// String literals in SurveyJS expressions have no escapes: option ids that are not plain are
// replaced by their position.
const SAFE_VALUE = /^[A-Za-z0-9_-]+$/;

const TRUE = 'true';
const FALSE = 'false';

function and(...parts) {
  if (parts.some((p) => p === FALSE)) return FALSE;
  const kept = parts.filter((p) => p !== TRUE);
  if (kept.length === 0) return TRUE;
  return kept.length === 1 ? kept[0] : kept.map((p) => `(${p})`).join(' and ');
}

function or(...parts) {
  if (parts.some((p) => p === TRUE)) return TRUE;
  const kept = parts.filter((p) => p !== FALSE);
  if (kept.length === 0) return FALSE;
  return kept.length === 1 ? kept[0] : kept.map((p) => `(${p})`).join(' or ');
}

function not(part) {
  if (part === TRUE) return FALSE;
  if (part === FALSE) return TRUE;
  return `!(${part})`;
}

function numberLiteral(n) {
  if (!Number.isFinite(n)) throw new ConversionError(`not a finite number: ${n}`);
  return String(n);
}

/**
 * The SurveyJS survey JSON for tree `treeId` of `pack`, and the names it gives each question and
 * outcome: `{ survey, names: { nodes: {id: name}, outcomes: {id: name} }, values: {nodeId:
 * {answer: surveyValue}} }` (answer: option id, or "yes"/"no").
 */
export function treeToSurvey(pack, treeId) {
  const tree = findTree(pack, treeId);
  const byId = new Map(tree.nodes.map((n) => [n.id, n]));
  const outcomeIds = new Set(tree.outcomes.map((o) => o.id));

  const used = new Set();
  const uniqueName = (wanted, fallback) => {
    let name = SAFE_NAME.test(wanted) ? wanted : fallback;
    for (let i = 2; used.has(name); i++) name = `${fallback}-${i}`;
    used.add(name);
    return name;
  };
  const nodeName = new Map(tree.nodes.map((n, i) => [n.id, uniqueName(n.id, `q${i + 1}`)]));
  const outcomeName = new Map(tree.outcomes.map((o, i) => [o.id, uniqueName(`outcome-${o.id}`, `outcome${i + 1}`)]));
  const values = new Map(
    tree.nodes.map((n) => {
      if (n.answer.kind === 'choice') {
        const plain = n.answer.options.every((o) => SAFE_VALUE.test(o.id));
        return [n.id, new Map(n.answer.options.map((o, i) => [o.id, plain ? o.id : `option${i + 1}`]))];
      }
      if (n.answer.kind === 'yes_no') return [n.id, new Map([['yes', 'yes'], ['no', 'no']])];
      return [n.id, new Map()];
    }),
  );
  const ref = (id) => {
    if (!byId.has(id)) throw new ConversionError(`tree "${tree.id}": no question "${id}"`);
    return `{${nodeName.get(id)}}`;
  };
  const target = (next) => {
    if (next.outcome !== undefined) {
      if (!outcomeIds.has(next.outcome)) throw new ConversionError(`tree "${tree.id}": no outcome "${next.outcome}"`);
      return `outcome:${next.outcome}`;
    }
    if (!byId.has(next.node)) throw new ConversionError(`tree "${tree.id}": no question "${next.node}"`);
    return `node:${next.node}`;
  };

  // `ask_if` as a SurveyJS expression (`Call::holds`).
  const condition = (c) => {
    if (c.answered) {
      const node = byId.get(c.answered.node);
      if (!node) throw new ConversionError(`tree "${tree.id}": condition on no question "${c.answered.node}"`);
      if (node.answer.kind === 'yes_no') return `${ref(node.id)} = '${c.answered.is === 'yes' ? 'yes' : 'no'}'`;
      if (node.answer.kind === 'choice') {
        const value = values.get(node.id).get(c.answered.is);
        return value === undefined ? FALSE : `${ref(node.id)} = '${value}'`;
      }
      return FALSE; // the engine: a number or text answer is never `answered`
    }
    if (c.at_least) {
      const node = byId.get(c.at_least.node);
      if (!node) throw new ConversionError(`tree "${tree.id}": condition on no question "${c.at_least.node}"`);
      if (node.answer.kind !== 'number') return FALSE;
      return and(`${ref(node.id)} notempty`, `${ref(node.id)} >= ${numberLiteral(c.at_least.value)}`);
    }
    if (c.all) return and(...c.all.map(condition));
    if (c.any) return or(...c.any.map(condition));
    if (c.not) return not(condition(c.not));
    throw new ConversionError(`tree "${tree.id}": unknown condition ${JSON.stringify(c)}`);
  };

  // Edges: for each target, the expressions under which an answer leads there.
  const incoming = new Map(); // target key → [expression]
  const answerEdges = new Map(); // node id → [target key] (for the order)
  const addEdge = (from, next, expression) => {
    const key = target(next);
    if (!incoming.has(key)) incoming.set(key, []);
    incoming.get(key).push(expression);
    answerEdges.get(from).push(key);
  };
  for (const node of tree.nodes) {
    answerEdges.set(node.id, []);
    const me = ref(node.id);
    const answer = node.answer;
    switch (answer.kind) {
      case 'choice':
        for (const option of answer.options) addEdge(node.id, option.next, `${me} = '${values.get(node.id).get(option.id)}'`);
        break;
      case 'yes_no':
        addEdge(node.id, answer.yes, `${me} = 'yes'`);
        addEdge(node.id, answer.no, `${me} = 'no'`);
        break;
      case 'number': {
        const inRange = and(`${me} notempty`, `${me} >= ${numberLiteral(answer.min)}`, `${me} <= ${numberLiteral(answer.max)}`);
        const branchHolds = (answer.branches ?? []).map((b) =>
          and(
            b.at_least === undefined ? TRUE : `${me} >= ${numberLiteral(b.at_least)}`,
            b.below === undefined ? TRUE : `${me} < ${numberLiteral(b.below)}`,
          ),
        );
        // The first branch that holds decides.
        branchHolds.forEach((h, i) => addEdge(node.id, answer.branches[i].next, and(inRange, h, not(or(...branchHolds.slice(0, i))))));
        addEdge(node.id, answer.otherwise, and(inRange, not(or(...branchHolds))));
        break;
      }
      case 'text':
        // With survey-core's default trimStrings, `!= ''` is false for spaces only.
        addEdge(node.id, answer.next, and(`${me} notempty`, `${me} != ''`));
        break;
      default:
        throw new ConversionError(`tree "${tree.id}": question "${node.id}": unknown answer kind "${answer.kind}"`);
    }
    if (node.ask_if) {
      if (!node.skip_to) throw new ConversionError(`tree "${tree.id}": question "${node.id}" has ask_if without skip_to`);
      answerEdges.get(node.id).push(target(node.skip_to));
    }
  }

  // reached(x): the path arrives at x (before x's own ask_if). Skips are followed by inlining the
  // skipped question's reached() and its failed ask_if, so the expressions grow only along chains
  // of skips.
  const reachedMemo = new Map();
  const skipsInto = new Map(); // target key → [node id skipped]
  for (const node of tree.nodes) {
    if (!node.ask_if) continue;
    const key = target(node.skip_to);
    if (!skipsInto.has(key)) skipsInto.set(key, []);
    skipsInto.get(key).push(node.id);
  }
  const startKey = `node:${tree.start}`;
  if (!byId.has(tree.start)) throw new ConversionError(`tree "${tree.id}": start "${tree.start}" is not a question`);
  const reached = (key, depth = 0) => {
    if (reachedMemo.has(key)) return reachedMemo.get(key);
    if (depth > tree.nodes.length) throw new ConversionError(`tree "${tree.id}": a loop through ${key}`);
    const parts = [...(incoming.get(key) ?? [])];
    if (key === startKey) parts.push(TRUE);
    for (const skipped of skipsInto.get(key) ?? []) {
      const node = byId.get(skipped);
      parts.push(and(reached(`node:${skipped}`, depth + 1), not(condition(node.ask_if))));
    }
    const expression = or(...parts);
    reachedMemo.set(key, expression);
    return expression;
  };

  // Order: a question after every question that leads to it; among those free to go next, the
  // pack's order.
  const order = [];
  const indegree = new Map(tree.nodes.map((n) => [n.id, 0]));
  for (const targets of answerEdges.values()) {
    for (const key of targets) if (key.startsWith('node:')) indegree.set(key.slice(5), indegree.get(key.slice(5)) + 1);
  }
  const ready = tree.nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  const position = new Map(tree.nodes.map((n, i) => [n.id, i]));
  while (ready.length) {
    ready.sort((a, b) => position.get(a) - position.get(b));
    const id = ready.shift();
    order.push(id);
    for (const key of answerEdges.get(id)) {
      if (!key.startsWith('node:')) continue;
      const to = key.slice(5);
      indegree.set(to, indegree.get(to) - 1);
      if (indegree.get(to) === 0) ready.push(to);
    }
  }
  if (order.length !== tree.nodes.length) throw new ConversionError(`tree "${tree.id}": the questions form a loop`);

  const elements = [];
  for (const id of order) {
    const node = byId.get(id);
    const visibleIf = and(reached(`node:${id}`), node.ask_if ? condition(node.ask_if) : TRUE);
    const element = { name: nodeName.get(id), title: node.question };
    if (node.guidance) element.description = node.guidance;
    switch (node.answer.kind) {
      case 'choice':
      case 'yes_no':
        Object.assign(element, {
          type: 'radiogroup',
          choices: radioAnswers(node).map(([answer, label]) => ({
            value: values.get(id).get(answer === true ? 'yes' : answer === false ? 'no' : answer),
            text: label,
          })),
        });
        break;
      case 'number':
        Object.assign(element, {
          type: 'text',
          inputType: 'number',
          min: node.answer.min,
          max: node.answer.max,
          placeholder: node.answer.unit,
        });
        break;
      case 'text':
        Object.assign(element, { type: 'comment', rows: 2 });
        break;
    }
    if (visibleIf === FALSE) throw new ConversionError(`tree "${tree.id}": question "${id}" can never be shown`);
    if (visibleIf !== TRUE) element.visibleIf = visibleIf;
    elements.push({ type: element.type, ...element });
  }
  for (const outcome of tree.outcomes) {
    const visibleIf = reached(`outcome:${outcome.id}`);
    if (visibleIf === FALSE) throw new ConversionError(`tree "${tree.id}": outcome "${outcome.id}" is never reached`);
    elements.push({
      type: 'expression',
      name: outcomeName.get(outcome.id),
      title: `Code ${outcome.code}, priority ${outcome.priority}`,
      description: outcome.reason,
      visibleIf,
    });
  }

  const survey = {
    title: tree.title,
    showQuestionNumbers: 'off',
    showNavigationButtons: false,
    clearInvisibleValues: 'onHidden',
    pages: [{ name: 'assess', elements }],
  };
  return {
    survey,
    names: { nodes: Object.fromEntries(nodeName), outcomes: Object.fromEntries(outcomeName) },
    values: Object.fromEntries([...values].map(([id, m]) => [id, Object.fromEntries(m)])),
  };
}

/** The value SurveyJS holds for `value` (an engine answer) of question `node`. */
export function surveyValue(conversion, node, value) {
  if (node.answer.kind === 'yes_no') return conversion.values[node.id][value ? 'yes' : 'no'];
  if (node.answer.kind === 'choice') return conversion.values[node.id][value] ?? `not-an-option:${value}`;
  return value;
}

// ---------------------------------------------------------------------------------------------
// The self-check

/** Answers worth trying at `node`: every option, and for numbers each edge of every range. */
function candidateAnswers(node) {
  const answer = node.answer;
  if (answer.kind === 'choice' || answer.kind === 'yes_no') return radioAnswers(node).map(([v]) => v);
  if (answer.kind === 'text') return ['   ', 'Smoke from the roof'];
  const points = new Set([answer.min, answer.max, answer.min - 1, answer.max + 1]);
  for (const b of answer.branches ?? []) {
    for (const edge of [b.at_least, b.below]) {
      if (edge === undefined) continue;
      points.add(edge);
      points.add(edge - 0.5);
    }
  }
  return [...points].sort((a, b) => a - b);
}

/**
 * Walks answer paths through `tree` (every option; numbers at min, max, just outside them, and at
 * and just below every branch edge; a text of spaces and a real text), at most `limit` of them,
 * and compares the survey's visible questions and outcome with the walker's after every answer.
 * Also changes the first answer at the end of some paths and checks the survey then shows a path
 * consistent with the answers it still holds. Returns { paths, steps, problems }.
 */
export async function checkTree(pack, treeId, { limit = 5000 } = {}) {
  const surveyCore = await import('survey-core');
  const tree = findTree(pack, treeId);
  const conversion = treeToSurvey(pack, treeId);
  const byId = new Map(tree.nodes.map((n) => [n.id, n]));
  const problems = [];
  let paths = 0;
  let steps = 0;

  const warnings = [];
  const model = () => {
    const m = new surveyCore.SurveyModel(conversion.survey);
    if (m.jsonErrors?.length) warnings.push(...m.jsonErrors.map((e) => `survey JSON: ${e.message ?? e}`));
    return m;
  };
  const shown = (m) => {
    const visible = m.getAllQuestions().filter((q) => q.isVisible).map((q) => q.name);
    return {
      nodes: visible.filter((n) => Object.values(conversion.names.nodes).includes(n)),
      outcomes: visible.filter((n) => Object.values(conversion.names.outcomes).includes(n)),
    };
  };
  const expected = (walk) => ({
    nodes: walk.asked.map((id) => conversion.names.nodes[id]),
    outcomes: walk.outcome ? [conversion.names.outcomes[walk.outcome]] : [],
  });
  const same = (a, b) =>
    JSON.stringify([[...a.nodes].sort(), a.outcomes]) === JSON.stringify([[...b.nodes].sort(), b.outcomes]);
  const describe = (answers) => answers.map(([id, v]) => `${id}=${JSON.stringify(v)}`).join(', ') || '(no answers)';
  const report = (answers, want, got) => {
    if (problems.length < 20) {
      problems.push(
        `tree "${tree.id}", after ${describe(answers)}: the tree shows ${JSON.stringify(want)}, the survey ${JSON.stringify(got)}`,
      );
    }
  };

  // The console is watched: survey-core reports a bad expression there, not by throwing.
  const original = { warn: console.warn, error: console.error };
  console.warn = (...args) => warnings.push(args.join(' '));
  console.error = (...args) => warnings.push(args.join(' '));
  try {
    const fresh = model();
    const start = walkTree(tree, []);
    if (!same(shown(fresh), expected(start))) report([], expected(start), shown(fresh));

    const explore = (answers) => {
      if (paths >= limit) return;
      const walk = walkTree(tree, answers);
      if (walk.outcome || walk.refused !== null) {
        paths++;
        // Replay on a fresh model, one answer at a time, checking after each.
        const m = model();
        for (let i = 0; i < answers.length; i++) {
          const [id, value] = answers[i];
          m.setValue(conversion.names.nodes[id], surveyValue(conversion, byId.get(id), value));
          steps++;
          const want = expected(walkTree(tree, answers.slice(0, i + 1)));
          const got = shown(m);
          if (!same(got, want)) {
            report(answers.slice(0, i + 1), want, got);
            return;
          }
        }
        if (walk.outcome && answers.length > 1) changeFirstAnswer(m, answers);
        return;
      }
      const current = byId.get(walk.asked[walk.asked.length - 1]);
      for (const value of candidateAnswers(current)) explore([...answers, [current.id, value]]);
    };

    // After a change of the first answer SurveyJS keeps the answers of questions still shown; the
    // walker, given those answers in the order shown, must agree with what is shown.
    const changeFirstAnswer = (m, answers) => {
      const [id, value] = answers[0];
      const first = byId.get(id);
      const other = candidateAnswers(first).find((v) => v !== value && answerLeadsTo(first, v));
      if (other === undefined) return;
      m.setValue(conversion.names.nodes[id], surveyValue(conversion, first, other));
      steps++;
      const got = shown(m);
      const order = conversion.survey.pages[0].elements.map((e) => e.name);
      const kept = got.nodes
        .slice()
        .sort((a, b) => order.indexOf(a) - order.indexOf(b))
        .map((name) => Object.keys(conversion.names.nodes).find((k) => conversion.names.nodes[k] === name))
        .filter((nid) => m.getValue(conversion.names.nodes[nid]) !== undefined)
        .map((nid) => {
          const node = byId.get(nid);
          const raw = m.getValue(conversion.names.nodes[nid]);
          if (node.answer.kind === 'yes_no') return [nid, raw === 'yes'];
          if (node.answer.kind === 'choice') return [nid, Object.keys(conversion.values[nid]).find((k) => conversion.values[nid][k] === raw)];
          return [nid, raw];
        });
      let want;
      try {
        want = expected(walkTree(tree, kept));
      } catch (error) {
        if (!(error instanceof ConversionError)) throw error;
        // The survey holds an answer for a question the tree would not ask on this path.
        want = { nodes: [`(${error.message})`], outcomes: [] };
      }
      if (!same(got, want)) report([...answers, [id, other]], want, got);
    };

    explore([]);
  } finally {
    console.warn = original.warn;
    console.error = original.error;
  }
  for (const w of [...new Set(warnings)].slice(0, 10)) problems.push(`tree "${tree.id}": survey-core said: ${w}`);
  return { paths, steps, problems };
}

async function readPack(file) {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new ConversionError(`cannot read ${file}: ${error.message}`);
  }
}

/** Checks every tree of every pack file; prints one line per tree and returns true when all agree. */
export async function selfCheck(files, log = console.log) {
  let ok = true;
  for (const file of files) {
    const pack = await readPack(file);
    for (const tree of pack.trees ?? []) {
      const { paths, steps, problems } = await checkTree(pack, tree.id);
      const where = `${path.relative(process.cwd(), file) || file} ${tree.id}`;
      if (problems.length || paths === 0) {
        ok = false;
        log(`FAIL ${where}: ${paths} paths, ${steps} answers`);
        for (const p of problems) log(`  ${p}`);
      } else {
        log(`ok   ${where}: ${paths} paths, ${steps} answers, same questions and outcome after every answer`);
      }
    }
  }
  return ok;
}

async function main(argv) {
  if (argv[0] === '--check') {
    const files = argv.length > 1 ? argv.slice(1) : ['council-out-of-hours.json', 'housing-repairs.json'].map((f) => path.join(REPO, 'packs', f));
    const ok = await selfCheck(files);
    console.log(ok ? 'self-check passed' : 'self-check FAILED');
    return ok ? 0 : 1;
  }
  if (argv.length !== 2 || argv[0].startsWith('-')) {
    console.error('usage: node bench/peer/tree-to-survey.mjs <pack.json> <tree-id>\n       node bench/peer/tree-to-survey.mjs --check [pack.json…]');
    return 2;
  }
  const pack = await readPack(argv[0]);
  console.log(JSON.stringify(treeToSurvey(pack, argv[1]).survey, null, 2));
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(error instanceof ConversionError ? `tree-to-survey: ${error.message}` : error?.stack ?? error);
      process.exit(1);
    },
  );
}
