// A handler who follows the call bar (issue 13): keyboard only, each step read from "Next:" in the
// call bar and reached with "n" ("Go to it"; Ctrl+Enter from a field being typed in, where n is a
// letter), or with no key where the widget has already put focus on the step's control, and
// answered as a caller in `scenario` would answer. Checklist items are done and ticked as the bar
// names them.
// Counts every key pressed (a typed character is a key) and, after every step, records where
// focus is, how far the page has scrolled, and how wide it is, for the workspace spec to assert
// and for the keystroke benchmark (bench/keystrokes.mjs) to print. Plain Playwright (no `expect`)
// so both can use it.

/**
 * A caller: `safetyYes` (words of the safety questions to answer yes to), `tree` (the letters
 * typed on the tree chooser to pick it), `answers` ([question pattern, key or {number}]),
 * `fields` ({label: text}), `location`, `contact` (who the escalation reached), `reason` (for any
 * deviation at close).
 * @returns {{ keys, typed, steps: [{ step, focusOnBody, scrollX, scrollY, pageWidth, viewportWidth }] }}
 */
export async function followTheBar(page, root, scenario, { maxSteps = 80 } = {}) {
  let keys = 0;
  let typed = 0;
  const steps = [];
  const press = async (key) => {
    keys += 1;
    await page.keyboard.press(key);
  };
  const type = async (text) => {
    typed += text.length;
    keys += text.length;
    await page.keyboard.type(text);
  };
  /** A name as `focused` gives it: spaces folded, at most 120 characters. */
  const shown = (text) => text.replace(/\s+/g, ' ').trim().slice(0, 120);
  /** The focused element, through shadow roots: its accessible-ish name, and what it is. */
  const focused = () =>
    page.evaluate(() => {
      let el = document.activeElement;
      while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
      if (!el) return { name: '', what: '' };
      const label = el.labels && el.labels[0] ? el.labels[0].innerText : '';
      return {
        name: (el.getAttribute('aria-label') || label || el.innerText || el.tagName).replace(/\s+/g, ' ').trim().slice(0, 120),
        what: `${el.tagName}:${el.getAttribute('type') ?? ''}:${el.id}`,
      };
    });
  const active = async () => (await focused()).name;
  const observe = async (step) => {
    const state = await page.evaluate(() => {
      const doc = document.scrollingElement;
      return {
        focusOnBody: document.activeElement === null || document.activeElement === document.body,
        scrollX: window.scrollX,
        scrollY: window.scrollY,
        pageWidth: doc.scrollWidth,
        viewportWidth: doc.clientWidth,
      };
    });
    steps.push({ step, ...state });
  };
  /** Presses Tab until the focused element's text matches `pattern` (at most 40). */
  const tabTo = async (pattern) => {
    for (let i = 0; i < 40; i++) {
      if (pattern.test(await active())) return;
      await press('Tab');
    }
    throw new Error(`Tab never reached ${pattern}`);
  };
  /** Whether focus is already on the control of the step the bar names. */
  const alreadyThere = async (next) => {
    const { name, what } = await focused();
    let m;
    if ((m = next.match(/^Next: Record: (.*)$/))) return name.startsWith(m[1]) && /^(INPUT|TEXTAREA)/.test(what);
    if ((m = next.match(/^Next: (?:Say now|Give the advice): (.*)$/))) return name === shown(`Given: ${m[1]}`);
    if ((m = next.match(/^Next: Checklist: (.*) \(tick it when done\)$/))) return name.startsWith(m[1]) && /^INPUT:checkbox/.test(what);
    if (/^Next: Assess/.test(next)) return name.startsWith('Decision tree') && /^SELECT/.test(what);
    return false;
  };
  const nextText = async () => (await root.locator('.idk-next-step').innerText()).replace(/\s+/g, ' ').trim();

  await page.keyboard.press('Tab');
  keys += 1;
  await tabTo(/^Answer (next )?call$/);
  await press('Enter');
  await root.locator('.idk-next-step').waitFor();
  await observe('answered');
  let last = '';
  let same = 0;
  for (let i = 0; i < maxSteps; i++) {
    const next = await nextText();
    if (/^Next: Call closed/.test(next)) {
      await observe(next);
      return { keys, typed, steps };
    }
    // The same step on the same question (the step text alone repeats from question to question).
    const asked = await root.locator('#idk-question').allInnerTexts();
    const here = `${next} ${asked.join('')}`;
    same = here === last ? same + 1 : 0;
    if (same > 3) throw new Error(`stuck at "${next}" (focus on "${await active()}")`);
    last = here;
    // "n" goes to the next step; in a field being typed in (where n is a letter) Ctrl+Enter does.
    // Where focus already is on the step's control (the widget moved it there), no key at all.
    if (!(await alreadyThere(next))) {
      const where = (await focused()).what;
      await press(/^(TEXTAREA|SELECT|INPUT:(text|number|search))/.test(where) ? 'Control+Enter' : 'n');
      // Focus moves once the widget has drawn (a zero-delay timer): let it land before typing.
      await page.waitForTimeout(60);
    }
    let m;
    if ((m = next.match(/^Next: Ask: (.*)$/))) {
      const yes = scenario.safetyYes.some((w) => m[1].includes(w));
      await press(yes ? 'Space' : 'ArrowRight');
    } else if (/^Next: (Say now|Give the advice):/.test(next)) {
      await tabTo(/^Given(?! ✓)/);
      await press('Enter');
    } else if (/^Next: Decide the escalation/.test(next)) {
      await tabTo(/^Who you spoke to/);
      await type(scenario.contact);
      await tabTo(/^Escalate to /);
      await press('Enter');
    } else if (/^Next: Get the location/.test(next)) {
      await type(scenario.location);
      await press('Enter');
    } else if (/^Next: Assess/.test(next)) {
      await type(scenario.tree);
      await tabTo(/^Start tree$/);
      await press('Enter');
    } else if (/^Next: Ask the question on screen/.test(next)) {
      const question = (await root.locator('#idk-question').innerText()).trim();
      const found = scenario.answers.find(([pattern]) => pattern.test(question));
      if (!found) throw new Error(`no answer in the scenario for "${question}" (after: ${steps.map((s) => s.step).join(' / ')})`);
      const answer = found[1];
      if (typeof answer === 'string') {
        await press(answer);
      } else {
        // A number question puts focus in its field; a text answer's is a Tab away.
        if (!/^INPUT:number/.test((await focused()).what)) await press('Tab');
        await type(String(answer.number ?? answer.text));
        await press('Enter');
      }
    } else if ((m = next.match(/^Next: Record: (.*)$/))) {
      const value = scenario.fields[m[1]];
      if (value === undefined) throw new Error(`no value in the scenario for "${m[1]}"`);
      await type(value);
      // Enter records a one-line field and goes on; from a text area (where Enter is a new
      // line) Ctrl+Enter does.
      await press(m[1] === 'What is happening' ? 'Control+Enter' : 'Enter');
    } else if (/^Next: Checklist: /.test(next)) {
      // Done as the item says (the bench's caller gives what it needs), then ticked.
      await press('Space');
    } else if (/^Next: (Record why|Read the closing words)/.test(next)) {
      await press('Enter');
      const dialog = root.getByRole('dialog', { name: 'Review and close the call' });
      await dialog.waitFor();
      const reasons = await dialog.getByRole('textbox', { name: /^Why: / }).count();
      for (let r = 0; r < reasons; r++) {
        await tabTo(/^Why: /);
        await type(scenario.reason);
        await press('Tab');
      }
      await tabTo(/^Confirm close$/);
      await press('Enter');
      await root.getByText(/^Call closed\./).waitFor();
    } else {
      throw new Error(`the call bar says "${next}", which this handler does not know`);
    }
    await page.waitForTimeout(50);
    await observe(next);
  }
  throw new Error(`the call did not close in ${maxSteps} steps`);
}

/** A gas call: the caller is 82 and lives alone; inside a building, everyone out, not council. */
export const GAS_CALL = {
  safetyYes: ['elderly'],
  tree: 'Smell',
  answers: [
    [/^Where can you smell the gas/, '1'],
    [/^Has everyone left the building/, '1'],
    [/^Is the building a council home/, '2'],
  ],
  fields: {
    "Caller's name": 'Ada Lovelace',
    'Callback number': '07700 900123',
    Vulnerability: '82, lives alone',
    'What is happening': 'Smell of gas in the kitchen',
    'People affected': '1',
  },
  location: '14 Mill Lane, Northbridge',
  contact: 'Jo Patel',
  reason: 'Caller left the building',
};

/** A pothole in the road, 12 cm deep, nobody hurt. */
export const POTHOLE_CALL = {
  safetyYes: [],
  tree: 'High',
  answers: [
    [/^Has there been a collision/, '2'],
    [/^What is the problem on the road/, '3'],
    [/^Is the hole or broken surface in the road/, '1'],
    [/^About how deep is the hole/, { number: 12 }],
    [/^Is it on a bend/, '2'],
    [/^Is the road fully blocked/, '3'],
  ],
  fields: {
    "Caller's name": 'Sam Taylor',
    'Callback number': '07700 900456',
    'What is happening': 'Deep pothole outside the school',
    Hazards: 'Cars swerving round it',
  },
  location: 'Station Road, by the school gates',
  contact: 'Jo Patel',
  reason: 'Not needed for a pothole',
};

/** Water inside a home's living areas, not rising, from the road; nobody trapped. */
export const FLOOD_CALL = {
  safetyYes: [],
  tree: 'Flood',
  answers: [
    [/^Where is the water/, '2'],
    [/^Is the water inside the living areas/, '1'],
    [/^Is anyone unable to get out/, '2'],
    [/^Is the water still rising/, '2'],
    [/^Where does the water seem to be coming in from/, '1'],
    [/^Roughly how deep is the water/, { number: 10 }],
    [/^Can you see a drain or gully/, '2'],
    [/^Is the water coming over the banks/, '2'],
    [/^How many homes have water inside/, { number: 1 }],
  ],
  fields: {
    "Caller's name": 'Kim Lee',
    'Callback number': '07700 900789',
    'What is happening': 'Water coming into the front room',
    'People affected': '2',
    Hazards: 'Electrics near the water',
    Vulnerability: 'None known',
  },
  location: '3 River View, Northbridge',
  contact: 'Jo Patel',
  reason: 'Caller will call back',
};
