// Picks the page from the path the server answered with the shell: /search, /trace/{id}, /map, /sampling.

import { traceIdProblem } from './api.js';
import { message } from './dom.js';
import { searchPage } from './search.js';
import { tracePage } from './trace.js';
import { samplingPage } from './sampling.js';
import { mapPage } from './map.js';

const main = document.getElementById('main');

function showFailure(error) {
  main.replaceChildren(message('error', `Something went wrong in this page: ${error?.message ?? error}`));
}

window.addEventListener('unhandledrejection', (event) => showFailure(event.reason));

function wireTraceIdBox() {
  const form = document.getElementById('trace-id-form');
  const input = document.getElementById('trace-id-input');
  const box = document.getElementById('trace-id-message');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value.trim();
    const problem = traceIdProblem(text);
    box.hidden = problem === null;
    box.textContent = problem ?? '';
    if (problem === null) location.assign(`/trace/${text.toLowerCase()}`);
  });
}

function markCurrentPage(page) {
  for (const link of document.querySelectorAll('header nav a')) {
    if (link.dataset.page === page) link.setAttribute('aria-current', 'page');
  }
}

async function start() {
  wireTraceIdBox();
  const path = location.pathname.replace(/\/+$/, '') || '/search';
  try {
    if (path === '/search') {
      markCurrentPage('search');
      await searchPage(main);
    } else if (path === '/map') {
      markCurrentPage('map');
      await mapPage(main);
    } else if (path === '/sampling') {
      markCurrentPage('sampling');
      await samplingPage(main);
    } else if (path.startsWith('/trace/')) {
      await tracePage(main, path.slice('/trace/'.length));
    } else {
      main.replaceChildren(message('error', `No page at ${path}.`));
    }
  } catch (error) {
    showFailure(error);
  }
}

start();
