// The benchmark's SurveyJS peer (bench/peer.mjs): fetches one decision tree converted to a SurveyJS
// survey (bench/peer/tree-to-survey.mjs) and renders it with survey-core and survey-js-ui. Once the
// first question is on screen it gives the ready signals the benchmark waits for: the
// `peer:interactive` performance mark and data-peer-ready="ready" on <html>. Nothing is written as
// HTML: errors go in with textContent, and the survey shows pack text as plain titles.
const SURVEY_URL = 'survey.json';
const MARK = 'peer:interactive';
const READY_ATTRIBUTE = 'data-peer-ready';

function settle(state) {
  document.documentElement.setAttribute(READY_ATTRIBUTE, state);
  if (performance.getEntriesByName(MARK).length === 0) performance.mark(MARK);
}

async function main() {
  const response = await fetch(SURVEY_URL);
  if (!response.ok) throw new Error(`survey: HTTP ${response.status}`);
  const json = await response.json();
  const first = json?.pages?.[0]?.elements?.[0]?.name;
  if (!first) throw new Error('survey: no first question');

  const survey = new Survey.Model(json);
  survey.onAfterRenderQuestion.add((_, { question, htmlElement }) => {
    // Rendered means mounted, with its handlers attached: the first question can be answered.
    if (question.name === first && htmlElement?.isConnected && !document.documentElement.hasAttribute(READY_ATTRIBUTE)) {
      settle('ready');
    }
  });
  survey.render(document.getElementById('survey'));
}

main().catch((error) => {
  const alert = document.createElement('p');
  alert.setAttribute('role', 'alert');
  alert.textContent = `Could not show the survey: ${error?.message ?? error}`;
  document.body.append(alert);
  settle('error');
});
