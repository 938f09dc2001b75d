// sup's web dashboard: a view over the daemon's kubectl-compatible API (list + watch, pod logs that follow, the
// scale subresource, patches) and its process view (/sup/v1/processes). Every request carries the daemon's token
// as a bearer token; the token comes from the address `sup dashboard` prints (#token=...), is kept in this tab's
// sessionStorage and taken out of the address bar at once.
'use strict';

const TOKEN_KEY = 'sup-token';

// The kinds watched, and where the API serves them across all namespaces.
const KINDS = {
  Pod: '/api/v1/pods',
  Deployment: '/apis/apps/v1/deployments',
  StatefulSet: '/apis/apps/v1/statefulsets',
  DaemonSet: '/apis/apps/v1/daemonsets',
  Job: '/apis/batch/v1/jobs',
  CronJob: '/apis/batch/v1/cronjobs',
  Event: '/api/v1/events',
};
const WORKLOADS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'];

const objects = Object.fromEntries(Object.keys(KINDS).map(k => [k, new Map()]));
let token = null;
let refused = false;
let view = 'overview';

function takeToken() {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    history.replaceState(null, '', location.pathname);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

// --- the API -------------------------------------------------------------------------------------------------

// A request the browser drops on a network change ("Failed to fetch": Chromium's ERR_NETWORK_CHANGED, which a
// container engine's new interface or an address change on a laptop causes) is sent again, twice at most, and the
// response says so (resent). Each request here may be sent twice: a scale or a restart is the same patch again, and a
// Job's creation is this click's own name (runNow).
async function api(path, options = {}) {
  const headers = Object.assign({ Authorization: 'Bearer ' + token, Accept: 'application/json' }, options.headers || {});
  for (let attempt = 0; ; attempt++) {
    let response;
    try {
      response = await fetch(path, Object.assign({}, options, { headers, cache: 'no-store' }));
    } catch (e) {
      if (!(e instanceof TypeError) || attempt >= 2) throw e;
      await new Promise(resolve => setTimeout(resolve, 300));
      continue;
    }
    if (response.status === 401) {
      refuse('The daemon refused the token (401 Unauthorized): it makes a new one each time it starts. Run sup dashboard again.');
      throw new Error('unauthorized');
    }
    response.resent = attempt > 0;
    return response;
  }
}

async function apiJson(path, options) {
  return bodyOf(await api(path, options));
}

async function bodyOf(response) {
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.message || response.status + ' ' + response.statusText);
  return body;
}

function patch(path, body, type) {
  return apiJson(path, { method: 'PATCH', headers: { 'Content-Type': type }, body: JSON.stringify(body) });
}

function itemPath(kind, obj) {
  return KINDS[kind].replace(/\/([a-z]+)$/, `/namespaces/${encodeURIComponent(obj.metadata.namespace)}/$1/${encodeURIComponent(obj.metadata.name)}`);
}

function keyOf(obj) {
  return obj.metadata.namespace + '/' + obj.metadata.name;
}

// Reads a response body line by line (a watch's events, a log that follows) until it ends or is aborted.
async function readLines(response, onLine) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let pending = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    pending += decoder.decode(value, { stream: true });
    let newline;
    while ((newline = pending.indexOf('\n')) >= 0) {
      onLine(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
    }
  }
  if (pending.length > 0) onLine(pending);
}

// List, then watch from the list's resourceVersion; when the watch ends (or fails), list again: the informer's loop.
async function informer(kind) {
  for (;;) {
    if (refused) return;
    try {
      const list = await apiJson(KINDS[kind]);
      const items = objects[kind];
      items.clear();
      for (const item of list.items || []) items.set(keyOf(item), item);
      scheduleRender();
      setConnection(true);
      const response = await api(`${KINDS[kind]}?watch=true&resourceVersion=${list.metadata.resourceVersion}`);
      if (!response.ok) throw new Error('watch: ' + response.status);
      await readLines(response, line => {
        if (!line.trim()) return;
        const event = JSON.parse(line);
        if (event.type === 'ERROR') return;
        if (event.type === 'DELETED') items.delete(keyOf(event.object));
        else items.set(keyOf(event.object), event.object);
        scheduleRender();
      });
    } catch (e) {
      if (refused) return;
      setConnection(false);
    }
    await sleep(1000);
  }
}

function sleep(ms) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

// --- what the tables show ------------------------------------------------------------------------------------

function age(timestamp) {
  if (!timestamp) return '';
  const seconds = Math.max(0, Math.floor((Date.now() - Date.parse(timestamp)) / 1000));
  if (seconds < 120) return seconds + 's';
  if (seconds < 7200) return Math.floor(seconds / 60) + 'm';
  if (seconds < 172800) return Math.floor(seconds / 3600) + 'h';
  return Math.floor(seconds / 86400) + 'd';
}

// kubectl get pods' STATUS column: Terminating, a container's waiting or terminated reason, else the phase.
function podStatus(pod) {
  if (pod.metadata.deletionTimestamp) return 'Terminating';
  const status = pod.status || {};
  for (const c of (status.initContainerStatuses || [])) {
    if (c.state && c.state.waiting && c.state.waiting.reason && c.state.waiting.reason !== 'PodInitializing') return 'Init:' + c.state.waiting.reason;
  }
  let reason = status.reason || status.phase || 'Pending';
  for (const c of (status.containerStatuses || [])) {
    if (c.state && c.state.waiting && c.state.waiting.reason) reason = c.state.waiting.reason;
    else if (c.state && c.state.terminated && c.state.terminated.reason) reason = c.state.terminated.reason;
  }
  return reason;
}

function podReady(pod) {
  const statuses = (pod.status && pod.status.containerStatuses) || [];
  const total = (pod.spec.containers || []).length;
  return statuses.filter(c => c.ready).length + '/' + total;
}

function podRestarts(pod) {
  return ((pod.status && pod.status.containerStatuses) || []).reduce((n, c) => n + (c.restartCount || 0), 0);
}

function condition(obj, type) {
  return ((obj.status && obj.status.conditions) || []).find(c => c.type === type && c.status === 'True');
}

// READY and a short status per workload kind, as kubectl get shows them.
function workloadState(kind, obj) {
  const s = obj.status || {};
  switch (kind) {
    case 'Deployment':
    case 'StatefulSet':
      return { ready: `${s.readyReplicas || 0}/${obj.spec.replicas ?? 1}`, status: `${s.updatedReplicas || 0} up-to-date, ${s.availableReplicas || 0} available` };
    case 'DaemonSet':
      return { ready: `${s.numberReady || 0}/${s.desiredNumberScheduled || 0}`, status: `${s.updatedNumberScheduled || 0} up-to-date` };
    case 'Job': {
      const state = condition(obj, 'Complete') ? 'Complete' : condition(obj, 'Failed') ? 'Failed' : (s.active ? 'Running' : 'Pending');
      return { ready: `${s.succeeded || 0}/${obj.spec.completions ?? 1}`, status: state };
    }
    case 'CronJob':
      return {
        ready: '',
        status: `${obj.spec.schedule}${obj.spec.suspend ? ' (suspended)' : ''}, ${(s.active || []).length} active` +
          (s.lastScheduleTime ? `, last ${age(s.lastScheduleTime)} ago` : ''),
      };
  }
  return { ready: '', status: '' };
}

// --- rendering -----------------------------------------------------------------------------------------------

function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null) element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

let renderQueued = false;
function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  setTimeout(() => { renderQueued = false; render(); }, 50);
}

function inNamespace(obj) {
  const ns = document.getElementById('namespace').value;
  return !ns || obj.metadata.namespace === ns;
}

function sorted(map) {
  return [...map.values()].filter(inNamespace).sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
}

function replaceRows(tableId, rows) {
  document.querySelector(`#${tableId} tbody`).replaceChildren(...rows);
}

function render() {
  renderNamespaces();
  if (view === 'overview') {
    renderPods();
    renderWorkloads();
  } else if (view === 'events') renderEvents();
  else if (view === 'logs') renderLogChoices();
}

function renderNamespaces() {
  const select = document.getElementById('namespace');
  const seen = new Set();
  for (const kind of Object.keys(KINDS)) for (const obj of objects[kind].values()) seen.add(obj.metadata.namespace);
  const have = new Set([...select.options].map(o => o.value));
  for (const ns of [...seen].sort()) if (!have.has(ns)) select.append(h('option', { value: ns }, ns));
}

function renderPods() {
  replaceRows('pods', sorted(objects.Pod).map(pod => {
    const ready = podReady(pod);
    const status = podStatus(pod);
    return h('tr', { 'data-pod': pod.metadata.name, 'data-namespace': pod.metadata.namespace },
      h('td', null, pod.metadata.namespace),
      h('td', null, pod.metadata.name),
      // A pod that has completed has no container left to be ready: 0/1 is not a fault there.
      h('td', { class: 'ready' + (status === 'Completed' ? '' : readyClass(ready)) }, ready),
      h('td', { class: 'status ' + statusClass(status) }, status),
      h('td', { class: 'restarts' }, podRestarts(pod)),
      h('td', null, age(pod.metadata.creationTimestamp)),
      h('td', null, (pod.status && pod.status.podIP) || ''),
      h('td', null, h('button', { type: 'button', class: 'logs', onclick: () => showLogs(pod) }, 'Logs')));
  }));
}

// "2/3": all or not all ready (a Job's "0/1" while it runs is not a fault, but reads as not done).
function readyClass(ready) {
  const [have, want] = ready.split('/');
  return want === undefined ? '' : have === want ? ' ok' : ' bad';
}

function statusClass(status) {
  if (status === 'Running' || status === 'Succeeded' || status === 'Completed' || status === 'Complete') return 'ok';
  if (status === 'Pending' || status === 'Terminating' || status === 'ContainerCreating' || status === 'WaitingFor') return 'pending';
  return 'bad';
}

function renderWorkloads() {
  // Not under a user's cursor: a replica count being typed keeps its focus (the row is drawn once it is left).
  if (document.activeElement && document.activeElement.matches('#workloads input')) return;
  const rows = [];
  for (const kind of WORKLOADS) {
    for (const obj of sorted(objects[kind])) {
      const state = workloadState(kind, obj);
      rows.push(h('tr', { 'data-kind': kind, 'data-name': obj.metadata.name, 'data-namespace': obj.metadata.namespace },
        h('td', null, kind),
        h('td', null, obj.metadata.namespace),
        h('td', null, obj.metadata.name),
        h('td', { class: 'ready' + readyClass(state.ready) }, state.ready),
        h('td', { class: 'status' }, state.status),
        h('td', null, age(obj.metadata.creationTimestamp)),
        h('td', { class: 'actions' }, actions(kind, obj))));
    }
  }
  replaceRows('workloads', rows);
}

// The inputs of a row survive a re-render: a user typing a replica count is not interrupted by a watch event.
const drafts = new Map();

function actions(kind, obj) {
  const key = kind + '/' + keyOf(obj);
  const list = [];
  if (kind === 'Deployment' || kind === 'StatefulSet') {
    const input = h('input', { type: 'number', min: '0', class: 'replicas', 'aria-label': 'replicas', value: drafts.get(key) ?? obj.spec.replicas ?? 1 });
    input.addEventListener('input', () => drafts.set(key, input.value));
    input.addEventListener('blur', scheduleRender);
    list.push(input, h('button', { type: 'button', class: 'scale', onclick: () => act(`scale ${kind}/${obj.metadata.name}`, () => scale(kind, obj, input.value), key) }, 'Scale'));
  }
  if (kind === 'Deployment' || kind === 'StatefulSet' || kind === 'DaemonSet') {
    list.push(h('button', { type: 'button', class: 'restart', onclick: () => act(`restart ${kind}/${obj.metadata.name}`, () => restart(kind, obj)) }, 'Restart'));
  }
  if (kind === 'CronJob') {
    list.push(h('button', { type: 'button', class: 'run-now', onclick: () => act(`run CronJob/${obj.metadata.name}`, () => runNow(obj)) }, 'Run now'));
  }
  return list;
}

async function act(what, action, draftKey) {
  const result = document.getElementById('action-result');
  try {
    const message = await action();
    if (draftKey) drafts.delete(draftKey);
    result.className = 'action-result ok';
    result.textContent = message;
  } catch (e) {
    result.className = 'action-result bad';
    result.textContent = `${what} failed: ${e.message}`;
  }
  scheduleRender();
}

// kubectl scale: a merge patch of the scale subresource.
async function scale(kind, obj, value) {
  const replicas = Number.parseInt(value, 10);
  if (!Number.isInteger(replicas) || replicas < 0) throw new Error(`replicas must be a whole number ≥ 0, not "${value}"`);
  await patch(itemPath(kind, obj) + '/scale', { spec: { replicas } }, 'application/merge-patch+json');
  return `${kind.toLowerCase()}.apps/${obj.metadata.name} scaled to ${replicas}`;
}

// kubectl rollout restart: the pod template's restartedAt annotation, by a strategic merge patch.
async function restart(kind, obj) {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  await patch(itemPath(kind, obj), { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': now } } } } },
    'application/strategic-merge-patch+json');
  return `${kind.toLowerCase()}.apps/${obj.metadata.name} restarted`;
}

// kubectl create job --from=cronjob/NAME: the CronJob's jobTemplate as a Job it controls, marked as a manual run.
async function runNow(cronJob) {
  const fresh = await apiJson(itemPath('CronJob', cronJob));
  const template = fresh.spec.jobTemplate || {};
  const annotations = Object.assign({}, (template.metadata && template.metadata.annotations) || {}, { 'cronjob.kubernetes.io/instantiate': 'manual' });
  const suffix = Math.random().toString(36).slice(2, 7);
  const name = `${fresh.metadata.name.slice(0, 52)}-manual-${suffix}`;
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: fresh.metadata.namespace,
      annotations,
      labels: (template.metadata && template.metadata.labels) || undefined,
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: fresh.metadata.name, uid: fresh.metadata.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: template.spec || {},
  };
  const path = KINDS.Job.replace('/jobs', `/namespaces/${encodeURIComponent(fresh.metadata.namespace)}/jobs`);
  const response = await api(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(job) });
  // Sent again after a network change, the first may have arrived: then the Job of this name is this click's.
  if (!(response.status === 409 && response.resent)) await bodyOf(response);
  return `job.batch/${name} created`;
}

function renderEvents() {
  const when = e => e.lastTimestamp || e.eventTime || e.firstTimestamp || e.metadata.creationTimestamp || '';
  const events = [...objects.Event.values()].filter(inNamespace).sort((a, b) => when(b).localeCompare(when(a))).slice(0, 300);
  replaceRows('events', events.map(e => h('tr', { class: e.type === 'Warning' ? 'warning' : '' },
    h('td', null, age(when(e))),
    h('td', null, e.type || ''),
    h('td', null, e.reason || ''),
    h('td', null, `${(e.involvedObject || {}).kind || ''}/${(e.involvedObject || {}).name || ''}`),
    h('td', { class: 'message' }, e.message || ''))));
}

// --- processes ----------------------------------------------------------------------------------------------

function bytes(n) {
  if (n >= 1 << 30) return (n / (1 << 30)).toFixed(1) + ' GiB';
  if (n >= 1 << 20) return (n / (1 << 20)).toFixed(1) + ' MiB';
  return Math.round(n / 1024) + ' KiB';
}

async function pollProcesses() {
  for (;;) {
    if (refused) return;
    if (view === 'processes') {
      try {
        renderProcesses(await apiJson('/sup/v1/processes'));
      } catch (e) {
        if (refused) return;
      }
    }
    await sleep(2000);
  }
}

function renderProcesses(document_) {
  const ns = document.getElementById('namespace').value;
  const rows = [];
  for (const pod of document_.pods || []) {
    // The view names a pod of another namespace than default as namespace/name.
    const podNamespace = pod.name.includes('/') ? pod.name.split('/')[0] : 'default';
    if (ns && podNamespace !== ns) continue;
    for (const container of pod.containers) {
      for (const p of container.processes) {
        rows.push(h('tr', { class: p.role, 'data-pod': pod.name, 'data-pid': p.pid },
          h('td', null, p.depth === 0 ? pod.name : ''),
          h('td', null, p.depth === 0 ? container.name : ''),
          h('td', { class: 'number' }, p.pid),
          h('td', { class: 'role' }, p.role),
          h('td', null, p.user || ''),
          h('td', null, p.state),
          h('td', { class: 'number cpu' }, p.cpuPercent.toFixed(1)),
          h('td', { class: 'number memory' }, bytes(p.rssBytes)),
          h('td', { class: 'command' }, (p.depth > 0 ? '  '.repeat(p.depth - 1) + '└─ ' : '') + p.command)));
      }
    }
  }
  replaceRows('processes', rows);
}

// --- logs ---------------------------------------------------------------------------------------------------

let following = null;

function renderLogChoices() {
  const select = document.getElementById('log-pod');
  const pods = sorted(objects.Pod).map(keyOf);
  const current = select.value;
  if ([...select.options].map(o => o.value).join() !== pods.join()) {
    select.replaceChildren(...pods.map(k => h('option', { value: k }, k)));
    if (pods.includes(current)) select.value = current;
  }
  renderContainerChoices();
}

function renderContainerChoices() {
  const pod = objects.Pod.get(document.getElementById('log-pod').value);
  const select = document.getElementById('log-container');
  const names = pod ? [...(pod.spec.initContainers || []), ...pod.spec.containers].map(c => c.name) : [];
  const current = select.value;
  if ([...select.options].map(o => o.value).join() !== names.join()) {
    select.replaceChildren(...names.map(n => h('option', { value: n }, n)));
    select.value = names.includes(current) ? current : (pod ? pod.spec.containers[0].name : '');
  }
}

function showLogs(pod) {
  switchView('logs');
  renderLogChoices();
  document.getElementById('log-pod').value = keyOf(pod);
  renderContainerChoices();
  followLog();
}

// kubectl logs -f: the log from its last 500 lines on, appended as it is written, until another is chosen. A
// connection that breaks (the daemon restarting its listener, the browser dropping requests on a network change) is
// made again a second later from the last line shown on: each line comes with its CRI timestamp (timestamps=true,
// a fixed nine-digit fraction), so the new request asks for sinceTime=<the last one> and skips what was shown already.
async function followLog() {
  if (following) following.abort();
  const controller = new AbortController();
  following = controller;
  const output = document.getElementById('log');
  const state = document.getElementById('log-state');
  output.textContent = '';
  const [ns, name] = document.getElementById('log-pod').value.split('/');
  const container = document.getElementById('log-container').value;
  if (!name) return;
  const base = `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(name)}/log?follow=true&timestamps=true` +
    (container ? '&container=' + encodeURIComponent(container) : '');
  let last = null;   // the timestamp of the last line shown
  let atLast = 0;    // how many lines shown carry it
  for (;;) {
    let skip = 0;
    try {
      const path = last === null ? base + '&tailLines=500' : base + '&sinceTime=' + encodeURIComponent(last);
      const response = await api(path, { signal: controller.signal, headers: { Accept: 'text/plain' } });
      if (!response.ok) {
        const body = await response.json().catch(() => ({}));
        state.textContent = body.message || response.statusText;
        state.className = '';
        return;
      }
      state.textContent = 'following';
      state.className = 'following';
      await readLines(response, line => {
        const space = line.indexOf(' ');
        const stamp = space > 0 ? line.slice(0, space) : '';
        if (last !== null && stamp !== '' && (stamp < last || (stamp === last && skip++ < atLast))) return;
        if (stamp === last) atLast++;
        else { last = stamp; atLast = 1; }
        const atBottom = output.scrollTop + output.clientHeight >= output.scrollHeight - 4;
        output.append(line.slice(space + 1) + '\n');
        if (output.childNodes.length > 5000) output.firstChild.remove();
        if (atBottom) output.scrollTop = output.scrollHeight;
      });
      if (following === controller) {
        state.textContent = 'ended';
        state.className = '';
      }
      return;
    } catch (e) {
      if (following !== controller || refused) return;
      state.textContent = 'reconnecting: ' + e.message;
      state.className = '';
    }
    await sleep(1000);
    if (following !== controller || refused) return;
  }
}

// --- the page -----------------------------------------------------------------------------------------------

function switchView(name) {
  view = name;
  for (const button of document.querySelectorAll('#tabs button')) button.classList.toggle('active', button.dataset.view === name);
  for (const section of document.querySelectorAll('.view')) section.hidden = section.id !== 'view-' + name;
  render();
}

function setConnection(live) {
  const element = document.getElementById('connection');
  element.textContent = live ? 'live' : 'reconnecting';
  element.className = 'connection ' + (live ? 'live' : 'lost');
}

function refuse(message) {
  refused = true;
  document.body.classList.add('signed-out');
  if (following) following.abort();
  document.getElementById('main').hidden = true;
  document.getElementById('auth').hidden = false;
  document.getElementById('auth-message').textContent = message;
  const element = document.getElementById('connection');
  element.textContent = 'not signed in';
  element.className = 'connection lost';
}

function start() {
  document.getElementById('not-loaded').remove();
  token = takeToken();
  if (!token) {
    refuse('This page has no token.');
    return;
  }
  document.getElementById('main').hidden = false;
  for (const button of document.querySelectorAll('#tabs button')) button.addEventListener('click', () => switchView(button.dataset.view));
  document.getElementById('namespace').addEventListener('change', render);
  document.getElementById('log-pod').addEventListener('change', () => { renderContainerChoices(); followLog(); });
  document.getElementById('log-container').addEventListener('change', followLog);
  for (const kind of Object.keys(KINDS)) informer(kind);
  pollProcesses();
  // Ages move on without events.
  setInterval(scheduleRender, 5000);
}

start();
