// Staff console: talks to /staff/api. Every text that comes from a citizen, a ticket or the server is put in
// the page with textContent (through h()), never as HTML.

const TZ = 'Asia/Ho_Chi_Minh';
const REASONS = {
  asked: 'Người dân yêu cầu gặp cán bộ',
  misunderstood: 'Trợ lý không hiểu nhiều lần',
  frustrated: 'Người dân không hài lòng',
  flow_failed: 'Thao tác gặp lỗi',
};
const CHANNELS = { webchat: 'Web chat', telegram: 'Telegram', zalo: 'Zalo', terminal: 'Dòng lệnh' };
const STATUSES = {
  open: 'Đang mở',
  closed: 'Đã đóng',
  handed_back: 'Đã trả cho trợ lý',
  cancelled: 'Người dân đã hủy',
};
const SLA = {
  ok: 'Trong hạn',
  at_risk: 'Sắp quá hạn',
  breached: 'Quá hạn',
  met: 'Đạt',
  missed: 'Trễ hạn',
};
const RESOLUTIONS = {
  answered: 'Đã giải đáp',
  request_filed: 'Đã hỗ trợ nộp hồ sơ',
  referred_in_person: 'Hướng dẫn nộp trực tiếp',
  technical_issue: 'Lỗi kỹ thuật đã báo',
  no_response: 'Người dân không phản hồi',
  duplicate: 'Trùng yêu cầu',
  other: 'Khác',
};
const ACTIONS = {
  login: 'Đăng nhập',
  login_failed: 'Đăng nhập thất bại',
  logout: 'Đăng xuất',
  claim: 'Nhận yêu cầu',
  reveal: 'Xem số định danh',
  reply: 'Trả lời',
  note: 'Ghi chú',
  close: 'Đóng yêu cầu',
  hand_back: 'Trả cho trợ lý',
  canned_edit: 'Sửa câu trả lời mẫu',
  revoke: 'Thu hồi văn bản',
  retry: 'Gửi lại hồ sơ lỗi',
};
const JOBS = {
  'request.submit': 'Nộp hồ sơ đến cơ quan',
  'request.status': 'Theo dõi trạng thái hồ sơ',
  'request.notify': 'Báo tin cho người dân',
  'privacy.erase': 'Xóa dữ liệu cá nhân',
};
const FROM = {
  citizen: 'Người dân',
  bot: 'Trợ lý Hoso',
  staff: 'Cán bộ',
  note: 'Ghi chú nội bộ',
  system: 'Hệ thống',
};
const LINK_LEVELS = ['Chưa liên kết', 'Mức 1', 'Mức 2'];
const QUEUE_VIEWS = [
  ['unassigned', 'Chưa nhận'],
  ['mine', 'Của tôi'],
  ['all', 'Tất cả đang mở'],
  ['closed', 'Đã kết thúc'],
];

const state = { me: null, csrf: '', cleanup: [] };
const view = document.getElementById('view');

/** Builds an element; string children become text nodes, so nothing is ever parsed as HTML. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'testid') el.dataset.testid = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Replaces an element's children, skipping empty ones as h() does. */
function fill(el, ...children) {
  el.replaceChildren(
    ...children.flat().filter((c) => c !== undefined && c !== null && c !== false && c !== ''),
  );
  return el;
}

const dateTime = new Intl.DateTimeFormat('vi-VN', {
  timeZone: TZ,
  hour: '2-digit',
  minute: '2-digit',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
});
const time = new Intl.DateTimeFormat('vi-VN', { timeZone: TZ, hour: '2-digit', minute: '2-digit' });
const fmtDateTime = (iso) => (iso ? dateTime.format(new Date(iso)) : '');
const fmtTime = (iso) => (iso ? time.format(new Date(iso)) : '');

/** Why the rules decided so: each rule, whether it applied, and the facts it read. */
function decisionTrace(trace) {
  if (trace.length === 0) return null;
  const fired = trace.filter((e) => e.fired).length;
  return h(
    'details',
    { class: 'trace', testid: 'decision-trace' },
    h('summary', {}, `Vì sao: ${fired}/${trace.length} quy tắc được áp dụng`),
    h(
      'ul',
      { class: 'list' },
      trace.map((e) =>
        h(
          'li',
          {},
          h('span', { class: 'code' }, e.rule),
          ' ',
          e.fired ? 'được áp dụng' : 'không áp dụng',
          Object.keys(e.facts).length
            ? h(
                'span',
                { class: 'muted' },
                ` — đã đọc: ${Object.entries(e.facts)
                  .map(([k, v]) => `${k} = ${v}`)
                  .join('; ')}`,
              )
            : null,
        ),
      ),
    ),
  );
}

function fmtWait(minutes) {
  if (minutes < 1) return 'dưới 1 phút';
  if (minutes < 60) return `${minutes} phút`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} giờ ${minutes % 60} phút`;
  return `${Math.floor(hours / 24)} ngày ${hours % 24} giờ`;
}

let toastTimer;
function toast(message, kind = 'info') {
  const el = document.getElementById('toast');
  el.textContent = message;
  el.className = `toast toast--${kind}`;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    el.hidden = true;
  }, 5000);
}

class ApiError extends Error {
  constructor(message, status, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  if (method !== 'GET') {
    headers['content-type'] = 'application/json';
    headers['x-csrf-token'] = state.csrf;
  }
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
  });
  const data = await res.json().catch(() => ({}));
  if (res.status === 401 && !path.endsWith('/login')) {
    showLogin();
    throw new ApiError(data?.error?.message || 'Phiên làm việc đã hết hạn.', 401, data?.error?.code);
  }
  if (!res.ok) throw new ApiError(data?.error?.message || res.statusText, res.status, data?.error?.code);
  return data;
}

/** Runs an action and shows its refusal (409 already claimed, 403 not yours…) as a clear message. */
async function attempt(work, success) {
  try {
    const result = await work();
    if (success) toast(success, 'ok');
    return result;
  } catch (err) {
    if (err.status !== 401) toast(err.message, 'error');
    return undefined;
  }
}

// ---------------------------------------------------------------- login and shell

function showLogin() {
  cleanupView();
  state.me = null;
  document.getElementById('app').hidden = true;
  document.getElementById('login').hidden = false;
  document.querySelector('#login-form input[name=username]').focus();
}

function showApp(me) {
  state.me = me.user;
  state.csrf = me.csrfToken;
  state.canReveal = me.canReveal;
  document.getElementById('login').hidden = true;
  document.getElementById('app').hidden = false;
  document.getElementById('who').textContent =
    `${me.user.displayName} · ${me.user.role === 'supervisor' ? 'Giám sát' : 'Cán bộ'}`;
  const office = document.getElementById('office');
  office.textContent = me.office.open ? 'Trong giờ làm việc' : 'Ngoài giờ làm việc';
  office.className = `office ${me.office.open ? 'office--open' : 'office--closed'}`;
  for (const el of document.querySelectorAll('[data-role=supervisor]')) {
    el.hidden = me.user.role !== 'supervisor';
  }
  route();
}

document.getElementById('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.currentTarget;
  const error = document.getElementById('login-error');
  error.hidden = true;
  try {
    const me = await api('POST', '/staff/api/login', {
      username: form.username.value,
      password: form.password.value,
    });
    form.password.value = '';
    showApp(me);
  } catch (err) {
    error.textContent = err.message;
    error.hidden = false;
  }
});

document.getElementById('logout').addEventListener('click', async () => {
  await attempt(() => api('POST', '/staff/api/logout'));
  showLogin();
});

function cleanupView() {
  for (const fn of state.cleanup) fn();
  state.cleanup = [];
}

function setNav(name) {
  for (const a of document.querySelectorAll('[data-nav]')) {
    a.classList.toggle('tabs__item--active', a.dataset.nav === name);
  }
}

function route() {
  if (!state.me) return;
  cleanupView();
  fill(view);
  const hash = location.hash || '#/queue/unassigned';
  const ticket = /^#\/ticket\/(HT-\d{4}-\d{6})$/.exec(hash);
  if (ticket) return renderTicket(ticket[1]);
  if (hash === '#/canned') return renderCanned();
  const documentView = /^#\/documents(?:\/([A-Z0-9-]+))?$/.exec(hash);
  if (documentView) return renderDocuments(documentView[1]);
  if (hash === '#/audit' && state.me.role === 'supervisor') return renderAudit();
  if (hash === '#/dead-letters') return renderDeadLetters();
  if (hash === '#/refunds' && state.me.role === 'supervisor') return renderRefunds();
  const queue = /^#\/queue\/(unassigned|mine|all|closed)$/.exec(hash);
  return renderQueue(queue ? queue[1] : 'unassigned');
}
window.addEventListener('hashchange', route);

/** Opens an event stream that is closed when the view changes. */
function stream(url, handlers) {
  const source = new EventSource(url);
  for (const [event, fn] of Object.entries(handlers)) {
    source.addEventListener(event, (e) => fn(JSON.parse(e.data)));
  }
  state.cleanup.push(() => source.close());
  return source;
}

// ---------------------------------------------------------------- queue

function slaBadge(sla) {
  return h(
    'span',
    {
      class: `sla sla--${sla.state}`,
      title: `Mục tiêu phản hồi đầu tiên: ${sla.targetMinutes} phút làm việc`,
    },
    sla.state === 'breached' ? '⚠ ' : '',
    SLA[sla.state],
  );
}

function citizenLabel(who) {
  return (
    who.name ||
    who.displayName ||
    (who.citizenIdMasked ? `CCCD ${who.citizenIdMasked}` : 'Người dân chưa định danh')
  );
}

async function renderQueue(which) {
  setNav('queue');
  const tabs = h('div', { class: 'subtabs', role: 'tablist' });
  const list = h('div', { class: 'queue', testid: 'queue' });
  const summary = h('p', { class: 'queue__summary' });
  view.append(h('div', { class: 'queue-head' }, h('h2', {}, 'Hàng chờ hỗ trợ'), summary), tabs, list);

  async function load() {
    const data = await attempt(() => api('GET', `/staff/api/tickets?view=${which}`));
    if (!data) return;
    fill(
      tabs,
      ...QUEUE_VIEWS.map(([key, label]) =>
        h(
          'a',
          {
            class: `subtabs__item${key === which ? ' subtabs__item--active' : ''}`,
            href: `#/queue/${key}`,
            role: 'tab',
            'aria-selected': key === which ? 'true' : 'false',
            testid: `tab-${key}`,
          },
          label,
          key !== 'closed' ? h('span', { class: 'count' }, String(data.counts[key])) : null,
        ),
      ),
    );
    fill(
      summary,
      `${data.counts.all} yêu cầu đang mở · ${data.counts.unassigned} chưa có người nhận`,
      data.counts.breached > 0
        ? h('span', { class: 'sla sla--breached' }, ` ⚠ ${data.counts.breached} quá hạn phản hồi`)
        : '',
    );
    if (data.tickets.length === 0) {
      fill(list, h('p', { class: 'empty' }, 'Không có yêu cầu nào.'));
      return;
    }
    fill(
      list,
      h(
        'table',
        { class: 'table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Mã', 'Người dân', 'Lý do', 'Kênh', 'Đã chờ', 'Phản hồi', 'Phụ trách', ''].map((c) =>
              h('th', {}, c),
            ),
          ),
        ),
        h('tbody', {}, data.tickets.map(queueRow)),
      ),
    );
  }

  function queueRow(t) {
    const open = () => {
      location.hash = `#/ticket/${t.id}`;
    };
    const mine = t.claimedBy === state.me.username;
    const action =
      t.status === 'open' && !t.claimedBy
        ? h(
            'button',
            {
              class: 'btn btn--primary btn--small',
              type: 'button',
              testid: 'claim',
              onclick: async (e) => {
                e.stopPropagation();
                if (await attempt(() => api('POST', `/staff/api/tickets/${t.id}/claim`), `Đã nhận ${t.id}.`))
                  open();
                else load();
              },
            },
            'Nhận',
          )
        : h('a', { class: 'btn btn--ghost btn--small', href: `#/ticket/${t.id}` }, 'Mở');
    return h(
      'tr',
      {
        class: `row${t.sla.state === 'breached' ? ' row--breached' : ''}${mine ? ' row--mine' : ''}`,
        testid: 'queue-row',
        'data-ticket-id': t.id,
        onclick: open,
      },
      h('td', { 'data-label': 'Mã' }, h('span', { class: 'mono' }, t.id)),
      h('td', { 'data-label': 'Người dân' }, citizenLabel(t.who)),
      h('td', { 'data-label': 'Lý do' }, REASONS[t.reason] || t.reason),
      h('td', { 'data-label': 'Kênh' }, CHANNELS[t.channel] || t.channel),
      h('td', { 'data-label': 'Đã chờ' }, fmtWait(t.sla.waitingMinutes)),
      h('td', { 'data-label': 'Phản hồi' }, t.status === 'open' ? slaBadge(t.sla) : STATUSES[t.status]),
      h('td', { 'data-label': 'Phụ trách' }, t.claimedBy ? (mine ? 'Tôi' : t.claimedBy) : '—'),
      h('td', { class: 'row__action' }, action),
    );
  }

  await load();
  let pending;
  stream('/staff/api/stream', {
    queue: () => {
      clearTimeout(pending);
      pending = setTimeout(load, 200);
    },
  });
  const timer = setInterval(load, 30_000);
  state.cleanup.push(() => clearInterval(timer));
}

// ---------------------------------------------------------------- ticket

function section(title, ...content) {
  return h('section', { class: 'packet__section' }, h('h3', {}, title), ...content);
}

function facts(rows) {
  return h(
    'dl',
    { class: 'facts' },
    rows
      .filter(([, v]) => v !== undefined && v !== null && v !== '')
      .flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
  );
}

function valueText(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function renderPacket(ticket, packet) {
  const who = packet.who;
  const idCell = h('span', { class: 'mono', testid: 'citizen-id' }, who.citizenIdMasked || 'Chưa có');
  const reveal =
    who.citizenIdMasked && state.canReveal
      ? h(
          'button',
          {
            type: 'button',
            class: 'btn btn--ghost btn--small',
            testid: 'reveal',
            title: 'Việc xem số định danh đầy đủ được ghi vào nhật ký',
            onclick: async (e) => {
              const button = e.currentTarget;
              const data = await attempt(() => api('POST', `/staff/api/tickets/${ticket.id}/reveal`));
              if (data) {
                idCell.textContent = data.citizenId;
                button.remove();
              }
            },
          },
          'Hiện số (ghi nhật ký)',
        )
      : null;
  const decision = packet.decision;
  const doing = packet.doing;
  return h(
    'div',
    { class: 'packet', testid: 'packet' },
    section(
      'Người dân',
      facts([
        ['Họ tên', who.name || 'Chưa liên kết định danh'],
        ['Tên hiển thị', who.displayName],
        ['Số định danh', h('span', { class: 'inline' }, idCell, reveal)],
        ['Mức định danh', LINK_LEVELS[who.linkLevel] ?? String(who.linkLevel)],
        ['Kênh', CHANNELS[who.channel] || who.channel],
        ['Ngôn ngữ', who.lang === 'vi' ? 'Tiếng Việt' : 'Tiếng Anh'],
      ]),
    ),
    section(
      'Lý do chuyển',
      facts([
        ['Lý do', REASONS[packet.reason] || packet.reason],
        ['Chi tiết', packet.detail],
        ['Lúc', fmtDateTime(packet.openedAt)],
      ]),
    ),
    section(
      'Đang làm',
      doing.flow
        ? facts([
            ['Thủ tục', doing.flow],
            ['Bước', doing.step],
            ['Bắt đầu', fmtDateTime(doing.startedAt)],
            ...Object.entries(doing.answers || {}).map(([k, v]) => [k, valueText(v)]),
          ])
        : h('p', { class: 'muted' }, 'Không có thủ tục đang làm dở.'),
    ),
    section(
      'Quyết định gần nhất',
      decision
        ? [
            facts([
              ['Dịch vụ', decision.service],
              [
                'Kết quả',
                h(
                  'span',
                  { class: decision.eligible ? 'pill pill--ok' : 'pill pill--bad' },
                  decision.eligible ? 'Đủ điều kiện' : 'Chưa đủ điều kiện',
                ),
              ],
              ['Ngày', decision.on],
              ['Phiên bản quy tắc', decision.ruleSetVersion],
            ]),
            decision.reasons.length
              ? h(
                  'ul',
                  { class: 'list' },
                  decision.reasons.map((r) =>
                    h('li', {}, h('span', { class: 'code' }, r.code), ' ', r.message),
                  ),
                )
              : null,
            decisionTrace(decision.trace || []),
          ]
        : h('p', { class: 'muted' }, 'Chưa có quyết định nào.'),
    ),
    packet.missingDocuments.length
      ? section(
          'Giấy tờ còn thiếu',
          h(
            'ul',
            { class: 'list' },
            packet.missingDocuments.map((d) =>
              h('li', {}, h('span', { class: 'code' }, d.code), ' ', d.message),
            ),
          ),
        )
      : null,
    packet.legalBasis.length
      ? section(
          'Căn cứ pháp lý',
          h(
            'ul',
            { class: 'list' },
            packet.legalBasis.map((l) => h('li', {}, l)),
          ),
        )
      : null,
    packet.extra.length
      ? section('Thông tin thêm', facts(packet.extra.map((e) => [e.label, e.value])))
      : null,
  );
}

function messageItem(m) {
  const who =
    m.from === 'staff' || m.from === 'note' ? `${FROM[m.from]} ${m.name ?? m.by ?? ''}`.trim() : FROM[m.from];
  return h(
    'li',
    { class: `msg msg--${m.from}`, testid: 'transcript-message', 'data-from': m.from },
    h('div', { class: 'msg__meta' }, who, ' · ', fmtTime(m.at)),
    h('div', { class: 'msg__body' }, m.text),
  );
}

async function renderTicket(id) {
  setNav('queue');
  const data = await attempt(() => api('GET', `/staff/api/tickets/${id}`));
  if (!data) {
    view.append(
      h('p', { class: 'empty' }, 'Không mở được yêu cầu này. '),
      h('a', { href: '#/queue/unassigned' }, 'Về hàng chờ'),
    );
    return;
  }
  let ticket = data.ticket;
  // Zalo lets an OA write freely only for a while after the citizen's last message: say when a reply will wait.
  const zaloWindow =
    ticket.channel === 'zalo'
      ? await attempt(() => api('GET', `/staff/api/tickets/${id}/zalo-window`))
      : null;
  const header = h('div', { class: 'ticket-head' });
  const actions = h('div', { class: 'ticket-actions' });
  const log = h('ol', { class: 'transcript', testid: 'transcript', 'aria-live': 'polite' });
  const composer = h('form', { class: 'composer', testid: 'composer' });
  const rendered = new Set();

  for (const m of data.packet.transcript) log.append(messageItem({ ...m, seq: 0 }));
  log.append(h('li', { class: 'divider' }, `Chuyển cho cán bộ lúc ${fmtDateTime(data.packet.openedAt)}`));
  function addMessage(m) {
    if (rendered.has(m.seq)) return;
    rendered.add(m.seq);
    log.append(messageItem(m));
    log.scrollTop = log.scrollHeight;
  }
  for (const m of data.messages) addMessage(m);

  function drawHeader() {
    const mine = ticket.claimedBy === state.me.username;
    const supervisor = state.me.role === 'supervisor';
    fill(
      header,
      h('a', { class: 'back', href: '#/queue/unassigned' }, '← Hàng chờ'),
      h('h2', {}, h('span', { class: 'mono' }, ticket.id), ' · ', citizenLabel(ticket.who)),
      h(
        'div',
        { class: 'ticket-meta' },
        h(
          'span',
          { class: `status status--${ticket.status}`, testid: 'ticket-status' },
          STATUSES[ticket.status],
        ),
        ticket.status === 'open' ? slaBadge(ticket.sla) : null,
        h('span', {}, `Đã chờ ${fmtWait(ticket.sla.waitingMinutes)}`),
        h(
          'span',
          {},
          ticket.claimedBy ? `Phụ trách: ${mine ? 'tôi' : ticket.claimedBy}` : 'Chưa có người nhận',
        ),
        zaloWindow && !zaloWindow.inside
          ? h(
              'span',
              { class: 'pill', testid: 'zalo-outside-window' },
              `Ngoài khung ${zaloWindow.windowHours} giờ của Zalo: tin trả lời sẽ chờ người dân nhắn lại`,
            )
          : null,
        ticket.rating ? h('span', { class: 'pill' }, `Đánh giá ${ticket.rating}/5`) : null,
        ticket.resolution ? h('span', { class: 'pill' }, RESOLUTIONS[ticket.resolution]) : null,
      ),
    );
    const open = ticket.status === 'open';
    const canHandle = open && (mine || (supervisor && !ticket.claimedBy) || supervisor);
    const resolution = h(
      'select',
      { class: 'select', testid: 'resolution', 'aria-label': 'Kết quả xử lý' },
      Object.entries(RESOLUTIONS).map(([k, v]) => h('option', { value: k }, v)),
    );
    fill(
      actions,
      open && !ticket.claimedBy
        ? h(
            'button',
            { type: 'button', class: 'btn btn--primary', testid: 'claim', onclick: claim },
            'Nhận yêu cầu',
          )
        : null,
      canHandle
        ? h(
            'button',
            { type: 'button', class: 'btn', testid: 'hand-back', onclick: handBack },
            'Trả lại cho trợ lý ảo',
          )
        : null,
      canHandle
        ? h(
            'span',
            { class: 'inline' },
            resolution,
            h(
              'button',
              {
                type: 'button',
                class: 'btn btn--danger',
                testid: 'close',
                onclick: () => close(resolution.value),
              },
              'Đóng yêu cầu',
            ),
          )
        : null,
    );
    drawComposer(open && mine);
  }

  async function refresh() {
    const fresh = await attempt(() => api('GET', `/staff/api/tickets/${id}`));
    if (fresh) {
      ticket = fresh.ticket;
      drawHeader();
    }
  }
  async function claim() {
    if (await attempt(() => api('POST', `/staff/api/tickets/${id}/claim`), `Đã nhận ${id}.`)) await refresh();
    else await refresh();
  }
  async function handBack() {
    if (
      await attempt(
        () => api('POST', `/staff/api/tickets/${id}/hand-back`),
        'Đã trả cuộc trò chuyện cho trợ lý ảo.',
      )
    )
      await refresh();
  }
  async function close(resolutionCode) {
    if (
      await attempt(
        () => api('POST', `/staff/api/tickets/${id}/close`, { resolution: resolutionCode }),
        'Đã đóng yêu cầu; người dân được mời đánh giá.',
      )
    )
      await refresh();
  }

  const cannedSelect = h('select', { class: 'select', testid: 'canned', 'aria-label': 'Câu trả lời mẫu' });
  const text = h('textarea', {
    class: 'textarea',
    name: 'text',
    rows: '3',
    maxlength: '2000',
    placeholder: 'Nhập câu trả lời cho người dân…',
    testid: 'reply-text',
    'aria-label': 'Nội dung',
  });
  cannedSelect.addEventListener('change', () => {
    const chosen = state.canned?.find((c) => c.id === cannedSelect.value);
    if (chosen) text.value = chosen.text;
    cannedSelect.value = '';
    text.focus();
  });
  api('GET', '/staff/api/canned')
    .then((d) => {
      state.canned = d.replies;
      fill(
        cannedSelect,
        h('option', { value: '' }, 'Chèn câu trả lời mẫu…'),
        ...d.replies.map((c) => h('option', { value: c.id }, c.title)),
      );
    })
    .catch(() => undefined);

  async function send(kind) {
    const body = text.value.trim();
    if (!body) return;
    const path = kind === 'note' ? 'notes' : 'reply';
    const done = await attempt(
      () => api('POST', `/staff/api/tickets/${id}/${path}`, { text: body }),
      kind === 'note' ? 'Đã lưu ghi chú.' : undefined,
    );
    if (done) {
      text.value = '';
      addMessage(done.message);
      if (kind === 'reply') refresh();
    }
  }
  composer.addEventListener('submit', (e) => {
    e.preventDefault();
    send('reply');
  });
  text.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      send('reply');
    }
  });

  function drawComposer(canReply) {
    fill(
      composer,
      canReply ? null : h('p', { class: 'hint' }, hintFor()),
      h('div', { class: 'composer__row' }, cannedSelect),
      text,
      h(
        'div',
        { class: 'composer__row composer__buttons' },
        h(
          'button',
          { type: 'button', class: 'btn', testid: 'note-send', onclick: () => send('note') },
          'Lưu ghi chú nội bộ',
        ),
        h(
          'button',
          { type: 'submit', class: 'btn btn--primary', testid: 'reply-send', disabled: !canReply },
          'Gửi cho người dân',
        ),
      ),
    );
  }
  function hintFor() {
    if (ticket.status !== 'open') return 'Yêu cầu đã kết thúc: chỉ có thể thêm ghi chú nội bộ.';
    if (!ticket.claimedBy) return 'Nhận yêu cầu để trả lời người dân.';
    return `Yêu cầu do ${ticket.claimedBy} phụ trách: anh/chị chỉ có thể thêm ghi chú nội bộ.`;
  }

  drawHeader();
  view.append(
    header,
    actions,
    h(
      'div',
      { class: 'ticket' },
      h(
        'aside',
        { class: 'ticket__packet' },
        h('h2', { class: 'panel-title' }, 'Hồ sơ chuyển giao'),
        renderPacket(ticket, data.packet),
      ),
      h('section', { class: 'ticket__chat' }, h('h2', { class: 'panel-title' }, 'Hội thoại'), log, composer),
    ),
  );
  log.scrollTop = log.scrollHeight;

  stream(`/staff/api/tickets/${id}/stream`, {
    message: addMessage,
    status: () => refresh(),
  });
}

// ---------------------------------------------------------------- canned replies

async function renderCanned() {
  setNav('canned');
  const supervisor = state.me.role === 'supervisor';
  const list = h('div', { class: 'cards' });
  view.append(
    h('h2', {}, 'Câu trả lời mẫu'),
    h(
      'p',
      { class: 'muted' },
      supervisor
        ? 'Giám sát viên có thể sửa, thêm hoặc xóa câu trả lời mẫu.'
        : 'Chỉ giám sát viên được sửa câu trả lời mẫu.',
    ),
    list,
  );

  function card(reply, isNew = false) {
    if (!supervisor) {
      return h('article', { class: 'card' }, h('h3', {}, reply.title), h('p', { class: 'pre' }, reply.text));
    }
    const id = h('input', {
      class: 'input',
      value: reply.id,
      'aria-label': 'Mã',
      disabled: !isNew,
      maxlength: '40',
    });
    const title = h('input', {
      class: 'input',
      value: reply.title,
      'aria-label': 'Tiêu đề',
      maxlength: '80',
    });
    const text = h('textarea', { class: 'textarea', rows: '3', 'aria-label': 'Nội dung', maxlength: '2000' });
    text.value = reply.text;
    return h(
      'form',
      {
        class: 'card',
        testid: 'canned-card',
        onsubmit: async (e) => {
          e.preventDefault();
          const saved = await attempt(
            () =>
              api('PUT', `/staff/api/canned/${encodeURIComponent(id.value.trim())}`, {
                title: title.value,
                text: text.value,
              }),
            'Đã lưu câu trả lời mẫu.',
          );
          if (saved) load();
        },
      },
      isNew ? h('label', { class: 'field' }, h('span', {}, 'Mã (chữ thường, số, dấu -)'), id) : null,
      h('label', { class: 'field' }, h('span', {}, 'Tiêu đề'), title),
      h('label', { class: 'field' }, h('span', {}, 'Nội dung'), text),
      h(
        'div',
        { class: 'composer__buttons' },
        isNew
          ? null
          : h(
              'button',
              {
                type: 'button',
                class: 'btn btn--danger',
                onclick: async () => {
                  if (!confirm(`Xóa câu trả lời mẫu “${reply.title}”?`)) return;
                  if (await attempt(() => api('DELETE', `/staff/api/canned/${reply.id}`), 'Đã xóa.')) load();
                },
              },
              'Xóa',
            ),
        h('button', { type: 'submit', class: 'btn btn--primary' }, isNew ? 'Thêm' : 'Lưu'),
      ),
    );
  }

  async function load() {
    const data = await attempt(() => api('GET', '/staff/api/canned'));
    if (!data) return;
    fill(
      list,
      ...data.replies.map((r) => card(r)),
      supervisor ? card({ id: '', title: '', text: '' }, true) : null,
    );
  }
  await load();
}

// ---------------------------------------------------------------- audit

async function renderAudit() {
  setNav('audit');
  const action = h(
    'select',
    { class: 'select', 'aria-label': 'Thao tác' },
    h('option', { value: '' }, 'Mọi thao tác'),
    Object.entries(ACTIONS).map(([k, v]) => h('option', { value: k }, v)),
  );
  const actor = h('input', { class: 'input', placeholder: 'Cán bộ', 'aria-label': 'Cán bộ' });
  const target = h('input', {
    class: 'input',
    placeholder: 'Mã yêu cầu / đối tượng',
    'aria-label': 'Đối tượng',
  });
  const body = h('tbody');
  const more = h('button', { type: 'button', class: 'btn', hidden: true }, 'Xem thêm');
  const total = h('p', { class: 'muted' });
  let offset = 0;

  async function load(reset) {
    if (reset) {
      offset = 0;
      fill(body);
    }
    const q = new URLSearchParams({ offset: String(offset), limit: '100' });
    if (action.value) q.set('action', action.value);
    if (actor.value.trim()) q.set('actor', actor.value.trim());
    if (target.value.trim()) q.set('target', target.value.trim());
    const data = await attempt(() => api('GET', `/staff/api/audit?${q}`));
    if (!data) return;
    for (const e of data.entries) {
      body.append(
        h(
          'tr',
          { testid: 'audit-row' },
          h('td', { 'data-label': 'Thời gian' }, fmtDateTime(e.at)),
          h('td', { 'data-label': 'Cán bộ' }, e.actor),
          h('td', { 'data-label': 'Vai trò' }, e.role ?? ''),
          h('td', { 'data-label': 'Thao tác' }, ACTIONS[e.action] || e.action),
          h('td', { 'data-label': 'Đối tượng' }, h('span', { class: 'mono' }, e.target ?? '')),
          h('td', { 'data-label': 'Chi tiết' }, e.detail ?? ''),
          h('td', { 'data-label': 'IP' }, e.ip ?? ''),
        ),
      );
    }
    offset += data.entries.length;
    total.textContent = `${data.total} mục`;
    more.hidden = offset >= data.total;
  }
  more.addEventListener('click', () => load(false));
  view.append(
    h('h2', {}, 'Nhật ký thao tác'),
    h(
      'form',
      {
        class: 'filters',
        onsubmit: (e) => {
          e.preventDefault();
          load(true);
        },
      },
      action,
      actor,
      target,
      h('button', { type: 'submit', class: 'btn btn--primary' }, 'Lọc'),
    ),
    total,
    h(
      'table',
      { class: 'table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Thời gian', 'Cán bộ', 'Vai trò', 'Thao tác', 'Đối tượng', 'Chi tiết', 'IP'].map((c) =>
            h('th', {}, c),
          ),
        ),
      ),
      body,
    ),
    more,
  );
  await load(true);
}

// ---------------------------------------------------------------- dead letters

/** Jobs that failed every attempt: every staff member sees them, a supervisor can send a request again. */
async function renderDeadLetters() {
  setNav('dead-letters');
  const body = h('tbody');
  const empty = h('p', { class: 'muted', hidden: true }, 'Không có việc nào lỗi.');

  async function load() {
    const data = await attempt(() => api('GET', '/staff/api/dead-letters'));
    if (!data) return;
    fill(
      body,
      data.letters.map((l) =>
        h(
          'tr',
          { testid: 'dead-letter-row', 'data-id': l.id },
          h('td', { 'data-label': 'Thời gian' }, fmtDateTime(l.at)),
          h('td', { 'data-label': 'Công việc' }, JOBS[l.job] || l.job),
          h('td', { 'data-label': 'Hồ sơ' }, h('span', { class: 'mono' }, l.request ?? '')),
          h('td', { 'data-label': 'Số lần thử' }, String(l.attempts)),
          h(
            'td',
            { 'data-label': 'Lỗi' },
            l.error.code ? h('span', { class: 'mono' }, l.error.code) : '',
            l.error.code ? ' ' : '',
            l.error.message,
          ),
          h(
            'td',
            {},
            data.canRetry && l.retryable
              ? h(
                  'button',
                  {
                    type: 'button',
                    class: 'btn btn--primary',
                    testid: 'dead-letter-retry',
                    onclick: async (e) => {
                      e.currentTarget.disabled = true;
                      const done = await attempt(
                        () => api('POST', `/staff/api/dead-letters/${encodeURIComponent(l.id)}/retry`),
                        `Đã gửi lại hồ sơ ${l.request}.`,
                      );
                      if (done) await load();
                      else e.currentTarget.disabled = false;
                    },
                  },
                  'Gửi lại',
                )
              : '',
          ),
        ),
      ),
    );
    empty.hidden = data.letters.length > 0;
  }

  view.append(
    h('h2', {}, 'Việc lỗi'),
    h(
      'p',
      { class: 'muted' },
      'Các việc đã thử hết số lần mà vẫn lỗi. Người dân đã được báo; giám sát viên có thể gửi lại hồ sơ khi hệ thống của cơ quan hoạt động trở lại.',
    ),
    empty,
    h(
      'table',
      { class: 'table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Thời gian', 'Công việc', 'Hồ sơ', 'Số lần thử', 'Lỗi', ''].map((c) => h('th', {}, c)),
        ),
      ),
      body,
    ),
  );
  await load();
}

// ---------------------------------------------------------------- refunds

const VND = new Intl.NumberFormat('vi-VN');

/** Transfers that arrived for a request not waiting for them: a supervisor sends the money back. */
async function renderRefunds() {
  setNav('refunds');
  const body = h('tbody');
  const empty = h('p', { class: 'muted', hidden: true }, 'Không có khoản nào cần hoàn.');
  view.append(
    h('h2', {}, 'Hoàn tiền'),
    h(
      'p',
      { class: 'muted' },
      'Các khoản chuyển đến cho hồ sơ không còn chờ nộp lệ phí (đã nộp rồi, đã huỷ). Cần hoàn lại cho người chuyển.',
    ),
    empty,
    h(
      'table',
      { class: 'table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Hồ sơ', 'Số tiền', 'Mã giao dịch', 'Nhận lúc'].map((c) => h('th', {}, c)),
        ),
      ),
      body,
    ),
  );
  const data = await attempt(() => api('GET', '/staff/api/refunds'));
  if (!data) return;
  fill(
    body,
    data.refunds.map((r) =>
      h(
        'tr',
        { testid: 'refund-row' },
        h('td', { 'data-label': 'Hồ sơ' }, h('span', { class: 'mono' }, r.requestCode)),
        h('td', { 'data-label': 'Số tiền' }, `${VND.format(r.amount)} đồng`),
        h('td', { 'data-label': 'Mã giao dịch' }, h('span', { class: 'mono' }, r.transactionId)),
        h('td', { 'data-label': 'Nhận lúc' }, fmtDateTime(r.receivedAt)),
      ),
    ),
  );
  empty.hidden = data.refunds.length > 0;
}

// ---------------------------------------------------------------- issued documents

const DOCUMENT_STATUSES = { valid: 'Còn hiệu lực', revoked: 'Đã thu hồi' };

async function renderDocuments(initialId) {
  setNav('documents');
  const supervisor = state.me.role === 'supervisor';
  const input = h('input', {
    class: 'input mono',
    name: 'documentId',
    placeholder: 'Ví dụ: LLTP-20261125-7K3M9Q2XDA',
    'aria-label': 'Số văn bản',
    testid: 'document-id',
    maxlength: '48',
    size: '32',
    autocapitalize: 'characters',
    spellcheck: 'false',
    value: initialId ?? '',
  });
  const result = h('div', { class: 'cards', testid: 'document-result' });
  view.append(
    h('h2', {}, 'Văn bản đã cấp'),
    h(
      'p',
      { class: 'muted' },
      'Tra cứu văn bản theo số in trên văn bản (dòng “Mã văn bản” hoặc mã QR).',
      supervisor
        ? ' Giám sát viên có thể thu hồi văn bản cấp sai.'
        : ' Chỉ giám sát viên được thu hồi văn bản.',
    ),
    h(
      'form',
      {
        class: 'filters',
        onsubmit: (e) => {
          e.preventDefault();
          const id = input.value.trim().toUpperCase();
          if (!id) return;
          if (location.hash === `#/documents/${id}`) lookup(id);
          else location.hash = `#/documents/${id}`;
        },
      },
      input,
      h('button', { type: 'submit', class: 'btn btn--primary', testid: 'document-lookup' }, 'Tra cứu'),
    ),
    result,
  );

  async function lookup(id) {
    const data = await attempt(() => api('GET', `/staff/api/documents/${encodeURIComponent(id)}`));
    fill(result, data ? documentCard(data.document) : h('p', { class: 'empty' }, 'Không có kết quả.'));
  }

  function documentCard(doc) {
    const revoked = doc.status === 'revoked';
    return h(
      'article',
      { class: 'card', testid: 'document-card' },
      h('h3', {}, h('span', { class: 'mono' }, doc.id)),
      facts([
        ['Loại văn bản', doc.serviceName],
        ['Mã hồ sơ', doc.requestCode],
        ['Người được cấp', doc.subject.name],
        ['Số giấy tờ', doc.subject.idNumber],
        ['Ngày cấp', doc.issueDate.split('-').reverse().join('/')],
        ['Ký lúc', fmtDateTime(doc.issuedAt)],
        [
          'Tình trạng',
          h(
            'span',
            { class: revoked ? 'pill pill--bad' : 'pill pill--ok', testid: 'document-status' },
            DOCUMENT_STATUSES[doc.status],
          ),
        ],
        ['Lý do thu hồi', doc.reason],
        ['Thu hồi lúc', fmtDateTime(doc.revokedAt)],
        ['Người thu hồi', doc.revokedBy],
        ['Bản thử nghiệm', doc.development ? 'Có (ký bằng khóa thử nghiệm)' : ''],
      ]),
      !revoked && supervisor ? revokeForm(doc) : null,
    );
  }

  function revokeForm(doc) {
    const reason = h('textarea', {
      class: 'textarea',
      rows: '2',
      minlength: '3',
      maxlength: '300',
      required: true,
      placeholder: 'Ví dụ: Cấp nhầm người; đã cấp lại văn bản khác',
      'aria-label': 'Lý do thu hồi',
      testid: 'revoke-reason',
    });
    return h(
      'form',
      {
        class: 'revoke',
        onsubmit: async (e) => {
          e.preventDefault();
          const text = reason.value.trim();
          if (text.length < 3) return;
          if (!confirm(`Thu hồi văn bản ${doc.id}? Việc này không thể hoàn tác.`)) return;
          const done = await attempt(
            () => api('POST', `/staff/api/documents/${encodeURIComponent(doc.id)}/revoke`, { reason: text }),
            `Đã thu hồi văn bản ${doc.id}.`,
          );
          if (done) fill(result, documentCard(done.document));
        },
      },
      h(
        'label',
        { class: 'field' },
        h(
          'span',
          {},
          'Lý do thu hồi (hiển thị công khai trên trang kiểm tra văn bản; không ghi thông tin cá nhân)',
        ),
        reason,
      ),
      h(
        'div',
        { class: 'composer__buttons' },
        h('button', { type: 'submit', class: 'btn btn--danger', testid: 'revoke' }, ACTIONS.revoke),
      ),
    );
  }

  if (initialId) await lookup(initialId);
  else input.focus();
}

// ---------------------------------------------------------------- start

api('GET', '/staff/api/me')
  .then(showApp)
  .catch((err) => {
    if (err.status !== 401) toast(err.message, 'error');
  });
