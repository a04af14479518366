// The verification page: asks /api/verify for a QR link's document or an uploaded PDF, and checks the QR's
// offline payload (the URL fragment, which never reaches the server) against the published key with WebCrypto.
// Sentences about a document come from the server in the page's language; server text is put in the page with
// textContent (through h()), never as HTML.

const params = new URLSearchParams(location.search);
const lang = params.get('lang') === 'en' ? 'en' : 'vi';
const TZ = 'Asia/Ho_Chi_Minh';

const TEXT = {
  vi: {
    documentId: 'Số văn bản',
    service: 'Loại văn bản',
    issueDate: 'Ngày cấp',
    subject: 'Người được cấp',
    idNumber: 'Số giấy tờ',
    status: 'Tình trạng',
    reason: 'Lý do thu hồi',
    revokedAt: 'Ngày thu hồi',
    signer: 'Người ký',
    signedAt: 'Thời điểm ký',
    loading: 'Đang kiểm tra…',
    offlineTitle: 'Mã QR (kiểm tra ngoại tuyến)',
    offlineValid: 'Chữ ký trong mã QR hợp lệ: mã do Hoso tạo bằng khóa công khai đã công bố.',
    offlineInvalid: 'Chữ ký trong mã QR KHÔNG hợp lệ: mã QR không do Hoso tạo ra hoặc đã bị sửa.',
    offlineMismatch: 'Mã QR ghi số văn bản khác với liên kết.',
    offlineUnsupported: 'Trình duyệt này không kiểm tra được chữ ký của mã QR (cần kết nối HTTPS).',
    initials: 'Chữ cái đầu họ tên',
    contentHash: 'Mã băm nội dung',
    network: 'Không kết nối được với máy chủ. Anh/chị vui lòng thử lại.',
    choose: 'Anh/chị chưa chọn tệp PDF.',
    development: 'Văn bản được ký bằng khóa thử nghiệm: đây là bản thử nghiệm, không có giá trị pháp lý.',
  },
  en: {
    title: 'Check a document issued by Hoso',
    subtitle: 'Criminal record extracts and e-health book extracts',
    linkTitle: 'What the QR code leads to',
    uploadTitle: 'Check a PDF file',
    uploadHint:
      'Choose the PDF file you received. Hoso checks its digital signature, that its content is unchanged, and its status in the registry. The file is not kept.',
    fileLabel: 'PDF file',
    check: 'Check',
    howTitle: 'Checking independently',
    howQr:
      'The QR code on the document holds the document number and a short signature that can be checked without contacting Hoso, with the public key below.',
    howKey: "Hoso's public key:",
    howReader:
      'The PDF carries a PAdES digital signature: PDF readers that support signatures can check it too.',
    documentId: 'Document number',
    service: 'Document',
    issueDate: 'Issued on',
    subject: 'Issued to',
    idNumber: 'ID document',
    status: 'Status',
    reason: 'Reason for revocation',
    revokedAt: 'Revoked on',
    signer: 'Signed by',
    signedAt: 'Signed at',
    loading: 'Checking…',
    offlineTitle: 'QR code (offline check)',
    offlineValid: "The QR code's signature is valid: Hoso made it with its published key.",
    offlineInvalid:
      "The QR code's signature is NOT valid: Hoso did not make this QR code, or it was altered.",
    offlineMismatch: 'The QR code names another document than the link.',
    offlineUnsupported: "This browser cannot check the QR code's signature (it needs HTTPS).",
    initials: 'Initials of the name',
    contentHash: 'Content hash',
    network: 'The server could not be reached. Please try again.',
    choose: 'No PDF file was chosen.',
    development: 'Signed with a development key: a test copy with no legal value.',
  },
};
const say = (key) => TEXT[lang][key] ?? TEXT.vi[key] ?? key;

/** Builds an element; string children become text nodes, so nothing is ever parsed as HTML. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'testid') el.dataset.testid = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false || c === '') continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const dateFormat = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'vi-VN', {
  timeZone: TZ,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});
const dateTimeFormat = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'vi-VN', {
  timeZone: TZ,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
/** A calendar date (YYYY-MM-DD) as dd/mm/yyyy, without a time zone shift. */
const fmtDate = (iso) => (iso ? iso.split('-').reverse().join('/') : '');
const fmtInstant = (iso) => (iso ? dateTimeFormat.format(new Date(iso)) : '');
const fmtInstantDate = (iso) => (iso ? dateFormat.format(new Date(iso)) : '');

function facts(rows) {
  return h(
    'dl',
    { class: 'facts' },
    rows.filter(([, v]) => v).flatMap(([k, v]) => [h('dt', {}, say(k)), h('dd', {}, v)]),
  );
}

function alert(kind, text, testid) {
  return h('p', { class: `alert alert--${kind}`, role: kind === 'bad' ? 'alert' : undefined, testid }, text);
}

async function getJson(url, init) {
  let res;
  try {
    res = await fetch(url, { ...init, headers: { accept: 'application/json', ...(init?.headers ?? {}) } });
  } catch {
    throw new Error(say('network'));
  }
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body?.error?.message || say('network'));
  return body;
}

function documentCard(doc, { developmentNote = true } = {}) {
  return h(
    'div',
    { class: 'doc', testid: 'document' },
    alert(doc.status === 'valid' ? 'ok' : 'bad', doc.message, 'document-status'),
    doc.development && developmentNote ? alert('warn', say('development')) : null,
    facts([
      ['documentId', h('span', { class: 'mono' }, doc.id)],
      ['service', doc.serviceName],
      ['issueDate', fmtDate(doc.issueDate)],
      ['subject', doc.subject.name],
      ['idNumber', doc.subject.idNumber],
      ['status', h('span', { class: `pill pill--${doc.status}` }, doc.statusLabel)],
      ['revokedAt', fmtInstantDate(doc.revokedAt)],
      ['reason', doc.reason],
    ]),
  );
}

// ---------------------------------------------------------------- arriving from a QR code

async function showLink(documentId, token) {
  const section = document.getElementById('link');
  const out = document.getElementById('link-result');
  section.hidden = false;
  out.replaceChildren(h('p', { class: 'muted' }, say('loading')));
  try {
    const q = new URLSearchParams({ d: documentId, t: token, lang });
    const { document: doc } = await getJson(`/api/verify/document?${q}`);
    out.replaceChildren(documentCard(doc));
  } catch (err) {
    out.replaceChildren(alert('bad', err.message, 'link-error'));
  }
}

const b64url = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
const decodeJson = (s) => JSON.parse(new TextDecoder().decode(b64url(s)));

/** Checks the JWS in the fragment with the published JWK set (RS256 or ES256), entirely in the browser. */
async function checkOffline(jws, documentId) {
  const [h64, p64, s64] = jws.split('.');
  const header = decodeJson(h64);
  const claims = decodeJson(p64);
  if (!globalThis.crypto?.subtle) return { supported: false, claims };
  const { keys } = await getJson('/.well-known/jwks.json');
  const candidates = keys.filter((k) => !header.kid || k.kid === header.kid);
  const algorithm =
    header.alg === 'ES256'
      ? { import: { name: 'ECDSA', namedCurve: 'P-256' }, verify: { name: 'ECDSA', hash: 'SHA-256' } }
      : { import: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, verify: { name: 'RSASSA-PKCS1-v1_5' } };
  const data = new TextEncoder().encode(`${h64}.${p64}`);
  for (const jwk of candidates) {
    try {
      const key = await crypto.subtle.importKey('jwk', jwk, algorithm.import, false, ['verify']);
      if (await crypto.subtle.verify(algorithm.verify, key, b64url(s64), data)) {
        return { supported: true, valid: true, claims, matches: !documentId || claims.d === documentId };
      }
    } catch {
      // A key of another type: try the next one.
    }
  }
  return { supported: true, valid: false, claims };
}

async function showOffline(jws, documentId) {
  const box = document.getElementById('offline');
  box.hidden = false;
  box.replaceChildren(h('h3', {}, say('offlineTitle')), h('p', { class: 'muted' }, say('loading')));
  let result;
  try {
    result = await checkOffline(jws, documentId);
  } catch {
    box.replaceChildren(
      h('h3', {}, say('offlineTitle')),
      alert('bad', say('offlineInvalid'), 'offline-status'),
    );
    return;
  }
  const status = !result.supported
    ? alert('warn', say('offlineUnsupported'), 'offline-status')
    : !result.valid
      ? alert('bad', say('offlineInvalid'), 'offline-status')
      : result.matches
        ? alert('ok', say('offlineValid'), 'offline-status')
        : alert('bad', say('offlineMismatch'), 'offline-status');
  const c = result.claims ?? {};
  box.replaceChildren(
    h('h3', {}, say('offlineTitle')),
    status,
    facts([
      ['documentId', h('span', { class: 'mono' }, c.d)],
      ['initials', c.n],
      ['issueDate', fmtDate(c.i)],
    ]),
  );
}

// ---------------------------------------------------------------- uploading a PDF

const ICON = { pass: '✓', fail: '✗', skipped: '–' };

function reportCard(report) {
  const kind = report.valid ? 'ok' : 'bad';
  return h(
    'div',
    { class: 'report', testid: 'report' },
    alert(kind, report.summary, 'report-summary'),
    report.developmentNote ? alert('warn', report.developmentNote, 'report-development') : null,
    h(
      'ol',
      { class: 'checks' },
      report.checks.map((c) =>
        h(
          'li',
          { class: `check check--${c.status}`, testid: 'check', 'data-check': c.id, 'data-status': c.status },
          h('span', { class: 'check__icon', 'aria-hidden': 'true' }, ICON[c.status]),
          h('div', {}, h('strong', {}, c.label), h('p', {}, c.message)),
        ),
      ),
    ),
    // The report has said it is a test copy already.
    report.document ? documentCard(report.document, { developmentNote: false }) : null,
    facts([
      ['documentId', report.document ? '' : report.documentId],
      ['signer', report.signer?.commonName],
      ['signedAt', fmtInstant(report.signedAt)],
    ]),
  );
}

document.getElementById('upload').addEventListener('submit', async (e) => {
  e.preventDefault();
  const out = document.getElementById('upload-result');
  const file = document.getElementById('file').files[0];
  if (!file) {
    out.replaceChildren(alert('bad', say('choose'), 'upload-error'));
    return;
  }
  out.replaceChildren(h('p', { class: 'muted' }, say('loading')));
  const form = new FormData();
  form.append('file', file, file.name);
  try {
    out.replaceChildren(
      reportCard(await getJson(`/api/verify?lang=${lang}`, { method: 'POST', body: form })),
    );
  } catch (err) {
    out.replaceChildren(alert('bad', err.message, 'upload-error'));
  }
});

// ---------------------------------------------------------------- start

if (lang === 'en') {
  document.documentElement.lang = 'en';
  document.title = 'Hoso – Check a document';
  for (const el of document.querySelectorAll('[data-i18n]')) {
    const text = TEXT.en[el.dataset.i18n];
    if (text) el.textContent = text;
  }
}
const other = new URLSearchParams(params);
if (lang === 'en') other.delete('lang');
else other.set('lang', 'en');
const switcher = document.getElementById('lang');
switcher.href = `?${other}${location.hash}`;
switcher.textContent = lang === 'en' ? 'Tiếng Việt' : 'English';
switcher.lang = lang === 'en' ? 'vi' : 'en';

const documentId = params.get('d');
const token = params.get('t');
if (documentId || token) showLink(documentId ?? '', token ?? '');
const fragment = location.hash.slice(1);
if (/^[\w-]+\.[\w-]+\.[\w-]+$/.test(fragment)) showOffline(fragment, documentId);
