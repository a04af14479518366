// Web chat page: talks to the API of contracts §4. Every text is shown with textContent, never as HTML.
// The page's own words come from locales/<lang>/webchat.json (GET /api/webchat/texts); the page follows the
// conversation's language, which every answer of the API carries (`lang`).
const log = document.getElementById('log');
const form = document.getElementById('composer');
const input = document.getElementById('text');
const sendButton = document.getElementById('send');
const STORAGE_KEY = 'hoso.webchat';
const MAX_TEXT = 4096;
let session = JSON.parse(sessionStorage.getItem(STORAGE_KEY) || 'null');
let events;
let texts = { vi: {}, en: {} };
let lang = session?.lang || ((navigator.language || 'vi').toLowerCase().startsWith('en') ? 'en' : 'vi');

/** A sentence of the page in the conversation's language (Vietnamese if missing). */
function T(key) {
  return texts[lang]?.[key] ?? texts.vi?.[key] ?? '';
}

function applyLang(next) {
  if (next !== 'vi' && next !== 'en') return;
  lang = next;
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = T(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-placeholder]'))
    el.placeholder = T(el.dataset.i18nPlaceholder);
  for (const el of document.querySelectorAll('[data-i18n-aria-label]'))
    el.setAttribute('aria-label', T(el.dataset.i18nAriaLabel));
  for (const el of document.querySelectorAll('[data-i18n-title]')) el.title = T(el.dataset.i18nTitle);
  if (session) {
    session.lang = lang;
    save();
  }
}

/** Brings the end of the conversation (the newest answer and its buttons) into view, once it is laid out. */
function scrollDown() {
  log.scrollTop = log.scrollHeight;
  // A picture grows the answer when it loads; follow it.
  requestAnimationFrame(() => {
    log.scrollTop = log.scrollHeight;
  });
}

/** What the page showed, kept with the token for this tab, so a reload restores the conversation. */
const HISTORY_LIMIT = 200;
function remember(entry) {
  if (!session) return;
  session.history = [...(session.history || []), entry].slice(-HISTORY_LIMIT);
  save();
}

function save() {
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  } catch {
    // A full storage only costs the restore after a reload.
  }
}

function bubble(kind, text) {
  const li = document.createElement('li');
  li.className = `msg msg--${kind}`;
  if (text !== undefined) li.textContent = text;
  log.appendChild(li);
  scrollDown();
  return li;
}

function renderMessage(message, restored = false) {
  const li = bubble('bot');
  fillMessage(li, message);
  // Buttons of an answer shown before a reload belong to a moment that has passed: shown, not pressable.
  if (restored) for (const b of li.querySelectorAll('button')) b.disabled = true;
  else remember({ bot: message });
  scrollDown();
  return li;
}

/** The citizen's own words, kept for a reload. */
function mine(text) {
  remember({ me: text });
  return bubble('me', text);
}

function fillMessage(li, message) {
  li.dataset.testid = 'bot-message';
  if (message.type === 'document' && message.mimeType?.startsWith('image/')) {
    // A picture (the VietQR payment code) is shown in the conversation.
    const img = document.createElement('img');
    img.addEventListener('load', scrollDown);
    img.className = 'doc-image';
    img.src = message.url;
    img.alt = message.caption || message.filename;
    li.appendChild(img);
    if (message.caption) li.appendChild(document.createTextNode(`\n${message.caption}`));
    return;
  }
  if (message.type === 'document') {
    const a = document.createElement('a');
    a.className = 'doc';
    a.href = message.url;
    a.textContent = `📄 ${message.filename}`;
    a.setAttribute('download', message.filename);
    li.appendChild(a);
    if (message.caption) li.appendChild(document.createTextNode(`\n${message.caption}`));
    return;
  }
  li.appendChild(document.createTextNode(message.text));
  if (message.buttons && message.buttons.length > 0) {
    const row = document.createElement('div');
    row.className = 'buttons';
    for (const b of message.buttons) {
      if (b.kind === 'url' && b.url) {
        const link = document.createElement('a');
        link.className = 'link-button';
        link.href = b.url;
        link.target = '_blank';
        link.rel = 'noopener';
        link.textContent = b.label;
        row.appendChild(link);
        continue;
      }
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = b.label;
      button.addEventListener('click', () => {
        for (const other of row.querySelectorAll('button')) other.disabled = true;
        send({ action: b.action }, b.label);
      });
      row.appendChild(button);
    }
    li.appendChild(row);
  }
}

async function api(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      // Errors come back in the conversation's language.
      'accept-language': lang,
      ...(session ? { authorization: `Bearer ${session.token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok)
    throw Object.assign(new Error(data?.error?.message || response.statusText), { status: response.status });
  return data;
}

async function start() {
  const data = await api('/api/webchat/sessions', { lang });
  session = { sessionId: data.sessionId, token: data.token, lang, history: [] };
  applyLang(data.lang ?? lang);
  for (const m of data.messages) renderMessage(m);
  listen();
}

function listen() {
  events?.close();
  // EventSource cannot send headers, hence the token in the query (scripts may use Authorization instead).
  // `after`: pushed messages this tab already showed (and restored) are not sent again.
  const url = `/api/webchat/events?sessionId=${encodeURIComponent(session.sessionId)}&token=${encodeURIComponent(session.token)}&after=${session.lastEventId || 0}`;
  events = new EventSource(url);
  events.onmessage = (e) => {
    renderMessage(JSON.parse(e.data));
    const seq = Number(e.lastEventId);
    if (seq > (session.lastEventId || 0)) {
      session.lastEventId = seq;
      save();
    }
  };
}

let busy = false;
async function send(payload, shown) {
  if (busy) return;
  busy = true;
  sendButton.disabled = true;
  mine(shown);
  const typing = bubble('bot', T('typing'));
  typing.classList.add('msg--typing');
  try {
    const data = await api('/api/webchat/messages', { sessionId: session.sessionId, ...payload });
    typing.remove();
    if (data.lang) applyLang(data.lang);
    for (const m of data.messages) renderMessage(m);
  } catch (err) {
    typing.remove();
    if (err.status === 401) {
      sessionStorage.removeItem(STORAGE_KEY);
      session = null;
      bubble('error', err.message);
      await start();
    } else {
      bubble('error', err.message || T('error'));
    }
  } finally {
    busy = false;
    sendButton.disabled = false;
    input.focus();
  }
}

// A document the conversation asks for (a photo or a PDF), sent through the upload route.
const attach = document.getElementById('attach');
const fileInput = document.getElementById('file');
attach.addEventListener('click', () => fileInput.click());
fileInput.addEventListener('change', async () => {
  const file = fileInput.files?.[0];
  fileInput.value = '';
  if (!file || !session || busy) return;
  busy = true;
  mine(`📎 ${file.name}`);
  const typing = bubble('bot', T('typing'));
  typing.classList.add('msg--typing');
  try {
    const body = new FormData();
    body.append('file', file, file.name);
    const response = await fetch(`/api/webchat/uploads?sessionId=${encodeURIComponent(session.sessionId)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.token}`, 'accept-language': lang },
      body,
    });
    const data = await response.json().catch(() => ({}));
    typing.remove();
    if (!response.ok) throw new Error(data?.error?.message || response.statusText);
    if (data.lang) applyLang(data.lang);
    for (const m of data.messages) renderMessage(m);
  } catch (err) {
    typing.remove();
    bubble('error', err.message || T('error'));
  } finally {
    busy = false;
  }
});

form.addEventListener('submit', (e) => {
  e.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  // Said, not cut: a pasted text beyond the limit stays in the box for the citizen to shorten.
  if (text.length > MAX_TEXT) {
    bubble(
      'error',
      T('tooLong').replace('{{count}}', String(text.length)).replace('{{max}}', String(MAX_TEXT)),
    );
    return;
  }
  input.value = '';
  send({ text }, text);
});

async function boot() {
  texts = await fetch('/api/webchat/texts')
    .then((r) => (r.ok ? r.json() : texts))
    .catch(() => texts);
  applyLang(lang);
  if (session) {
    for (const entry of session.history || []) {
      if (entry.me !== undefined) bubble('me', entry.me);
      else if (entry.bot) renderMessage(entry.bot, true);
    }
    bubble('bot', T('welcomeBack'));
    listen();
  } else {
    await start();
  }
}

boot().catch((err) => bubble('error', err.message || T('error')));
