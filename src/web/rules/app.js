// The rules console: agency staff edit fee lines, documents and eligibility rules through forms; what the
// forms write is the catalog JSON the engine reads. Every text is set with textContent (never as HTML).
const $ = (s) => document.querySelector(s);
let me = null;
let pending = null; // a message to show once the next view is drawn
let work = null; // { service, base, files } — the working copy being edited
let previewPreset = null; // { version, compare, facts } — an impact example opened in the preview

function h(tag, attrs = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'text') el.textContent = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids.flat()) if (kid !== null && kid !== undefined && kid !== false) el.append(kid);
  return el;
}

async function api(method, url, body) {
  const res = await fetch(url, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(me ? { 'x-csrf-token': me.csrfToken } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const err = new Error(data.error?.message ?? `Lỗi ${res.status}`);
    err.data = data.error;
    err.status = res.status;
    throw err;
  }
  return data;
}

function flash(text, bad = false) {
  const f = $('#flash');
  f.textContent = text;
  f.classList.toggle('is-error', bad);
  f.hidden = false;
}

function explainError(err) {
  const lines = [err.message];
  for (const f of err.data?.details?.findings ?? [])
    if (f.severity === 'error') lines.push(`• ${f.message}${f.rule ? ` (${f.rule})` : ''}`);
  for (const f of err.data?.details?.failures ?? [])
    lines.push(`• Tình huống ${f.id}: ${f.failures.join('; ')}`);
  flash(lines.join('\n'), true);
}

const dong = (n) => `${new Intl.NumberFormat('vi-VN').format(n)} ₫`;
const ROLE = { viewer: 'Xem', drafter: 'Soạn thảo', approver: 'Phê duyệt' };
const RANK = { viewer: 0, drafter: 1, approver: 2 };
const may = (service, role) => me && RANK[me.user.grants[service]] >= RANK[role];

// ---------------------------------------------------------------- login
async function start() {
  try {
    me = await api('GET', '/rules/api/me');
  } catch {
    me = null;
  }
  $('#login').hidden = Boolean(me);
  $('#app').hidden = !me;
  if (me) {
    $('#who').textContent = me.user.displayName;
    route();
  }
}

$('#login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  try {
    me = await api('POST', '/rules/api/login', {
      username: form.get('username'),
      password: form.get('password'),
    });
    $('#login-error').hidden = true;
    start();
  } catch (err) {
    $('#login-error').textContent = err.message;
    $('#login-error').hidden = false;
  }
});
$('#logout').addEventListener('click', async () => {
  await api('POST', '/rules/api/logout').catch(() => {});
  me = null;
  start();
});
window.addEventListener('hashchange', () => route());

function route() {
  $('#flash').hidden = true;
  if (pending) {
    flash(pending);
    pending = null;
  }
  const [, service, tab = 'versions', arg] = location.hash.split('/');
  if (service) serviceView(service, tab, arg ? decodeURIComponent(arg) : undefined).catch(explainError);
  else listView().catch(explainError);
}

// ---------------------------------------------------------------- services
async function listView() {
  const { services } = await api('GET', '/rules/api/services');
  $('#main').replaceChildren(
    h('h1', { text: 'Thủ tục được giao' }),
    h(
      'div',
      { class: 'services' },
      services.map((s) =>
        h(
          'a',
          { href: `#/${s.service}/versions`, class: 'card' },
          h('h3', { text: s.title?.vi ?? s.service }),
          h('p', { text: `Đang áp dụng: ${s.inForce?.version ?? '—'}` }),
          h('span', { class: 'tag', text: ROLE[s.role] }),
          s.scheduled
            ? h('p', {
                class: 'hint',
                text: `Hẹn áp dụng ${s.scheduled.version} lúc ${new Date(s.scheduled.at).toLocaleString('vi-VN')}`,
              })
            : null,
        ),
      ),
    ),
  );
}

async function serviceView(service, tab, arg) {
  const info = await api('GET', `/rules/api/services/${service}`);
  const tabs = [
    ['versions', 'Phiên bản'],
    ['edit', 'Soạn thảo'],
    ['preview', 'Xem trước'],
    ['audit', 'Nhật ký'],
  ];
  if (tab === 'impact') tabs.splice(1, 0, ['impact', 'Ảnh hưởng']);
  const body = h('div');
  $('#main').replaceChildren(
    h('h1', { text: `${service} · vai trò ${ROLE[info.role]}` }),
    h(
      'nav',
      { class: 'tabs' },
      tabs.map(([id, label]) =>
        h('a', {
          href: id === 'impact' ? location.hash : `#/${service}/${id}`,
          class: id === tab ? 'is-on' : '',
          text: label,
        }),
      ),
    ),
    body,
  );
  if (tab === 'versions') return versionsTab(service, info, body);
  if (tab === 'edit') return editTab(service, info, body);
  if (tab === 'preview') return previewTab(service, info, body);
  if (tab === 'audit') return auditTab(service, body);
  if (tab === 'impact' && arg) return impactTab(service, info, arg, body);
}

// ---------------------------------------------------------------- versions, four eyes
function versionsTab(service, info, body) {
  const rows = [...info.versions].reverse().map((v) => {
    const acts = h('div', { class: 'actions' });
    if (v.status === 'draft' && may(service, 'drafter'))
      acts.append(
        h('a', {
          class: 'btn',
          href: `#/${service}/impact/${encodeURIComponent(v.version)}`,
          text: 'Xem ảnh hưởng',
        }),
      );
    if (v.status === 'draft' && !v.proposedBy && may(service, 'drafter'))
      acts.append(
        h('button', {
          class: 'btn',
          text: 'Đề xuất',
          onclick: () =>
            act(
              `/rules/api/services/${service}/versions/${v.version}/propose`,
              {},
              'Đã đề xuất, chờ người phê duyệt khác.',
            ),
        }),
      );
    if (v.status === 'draft' && v.proposedBy && may(service, 'approver')) {
      const when = h('input', { type: 'datetime-local', 'aria-label': 'Thời điểm áp dụng' });
      acts.append(
        h('button', {
          class: 'btn btn--primary',
          text: 'Phê duyệt, áp dụng ngay',
          onclick: () =>
            act(`/rules/api/services/${service}/versions/${v.version}/publish`, {}, 'Đã áp dụng.'),
        }),
        when,
        h('button', {
          class: 'btn',
          text: 'Hẹn giờ áp dụng',
          onclick: () =>
            when.value &&
            act(
              `/rules/api/services/${service}/versions/${v.version}/publish`,
              { at: new Date(when.value).toISOString() },
              'Đã hẹn giờ áp dụng.',
            ),
        }),
      );
    }
    if (v.status === 'published' && !v.inForce && may(service, 'approver'))
      acts.append(
        h('button', {
          class: 'btn',
          text: 'Quay lại phiên bản này',
          onclick: () =>
            act(`/rules/api/services/${service}/rollback`, { version: v.version }, 'Đã quay lại.'),
        }),
      );
    const state = v.inForce
      ? ['tag--ok', 'Đang áp dụng']
      : v.status === 'published'
        ? ['', 'Đã áp dụng trước đây']
        : v.proposedBy
          ? ['tag--warn', `Đề xuất bởi ${v.proposedBy.name}`]
          : ['', 'Bản nháp'];
    return h(
      'tr',
      {},
      h(
        'td',
        {},
        h('b', { text: v.version }),
        h('div', { class: 'hint', text: `Tạo bởi ${v.createdBy.name}` }),
      ),
      h('td', {}, h('span', { class: `tag ${state[0]}`, text: state[1] })),
      h('td', {}, acts),
      h('td', {
        text: v.publishedBy
          ? `${v.publishedBy.name} · ${new Date(v.publishedAt).toLocaleString('vi-VN')}`
          : '',
      }),
    );
  });
  body.append(
    info.scheduled
      ? h('p', {
          class: 'flash',
          text: `Hẹn áp dụng ${info.scheduled.version} lúc ${new Date(info.scheduled.at).toLocaleString('vi-VN')} (phê duyệt: ${info.scheduled.by.name})`,
        })
      : '',
    h(
      'table',
      { class: 'table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Phiên bản', 'Trạng thái', 'Thao tác', 'Áp dụng'].map((t) => h('th', { text: t })),
        ),
      ),
      h('tbody', {}, rows),
    ),
  );
}

async function act(url, payload, done) {
  try {
    await api('POST', url, payload);
    route();
    flash(done);
  } catch (err) {
    explainError(err);
  }
}

// ---------------------------------------------------------------- editing without JSON
async function loadWork(service, info) {
  if (work?.service === service) return work;
  const v = await api('GET', `/rules/api/services/${service}/versions/${info.current}`);
  work = { service, base: v, files: structuredClone(v.files) };
  return work;
}

function rulesOfType(files, type) {
  const out = [];
  for (const [path, f] of Object.entries(files))
    if (path.startsWith('rules/')) for (const r of f.rules ?? []) if (r.event?.type === type) out.push(r);
  return out;
}

/** The facts the builder offers: the catalog's declarations, labelled in Vietnamese where the service has a question for them. */
function factChoices(base) {
  const labels = Object.fromEntries(
    (base.inputs ?? []).filter((i) => i.fills).map((i) => [i.fills, i.label?.vi]),
  );
  const options = Object.fromEntries(
    (base.inputs ?? []).filter((i) => i.fills && i.options).map((i) => [i.fills, i.options]),
  );
  return (base.facts ?? []).map((f) => ({
    ...f,
    label: labels[f.name] ?? f.description,
    asked: labels[f.name] !== undefined,
    options: options[f.name],
  }));
}

const OPS = {
  boolean: [['equal', 'là']],
  integer: [
    ['equal', '='],
    ['notEqual', '≠'],
    ['lessThan', '<'],
    ['lessThanInclusive', '≤'],
    ['greaterThan', '>'],
    ['greaterThanInclusive', '≥'],
  ],
  string: [
    ['equal', 'là'],
    ['notEqual', 'không là'],
    ['in', 'là một trong'],
    ['notIn', 'không là một trong'],
  ],
  date: [
    ['equal', 'đúng ngày'],
    ['notEqual', 'khác ngày'],
  ],
};

const factNameOf = (c) => (c.path ? `${c.fact}.${c.path.replace(/^\$\./, '')}` : c.fact);
function setFact(c, name) {
  const [head, ...rest] = name.split('.');
  c.fact = head;
  if (rest.length) c.path = `$.${rest.join('.')}`;
  else delete c.path;
}

function valueInput(fact, c) {
  const set = (v) => {
    c.value = v;
  };
  if (!fact)
    return h('input', {
      value: JSON.stringify(c.value ?? ''),
      onchange: (e) => {
        try {
          set(JSON.parse(e.target.value));
        } catch {
          set(e.target.value);
        }
      },
    });
  if (fact.type === 'boolean')
    return h(
      'select',
      { onchange: (e) => set(e.target.value === 'true') },
      h('option', { value: 'true', text: 'có', selected: c.value === true }),
      h('option', { value: 'false', text: 'không', selected: c.value === false }),
    );
  if (fact.type === 'date')
    return h('input', {
      type: 'date',
      value: typeof c.value === 'string' ? c.value : '',
      onchange: (e) => set(e.target.value),
    });
  const choices = fact.enum ?? null;
  if (choices && (c.operator === 'in' || c.operator === 'notIn')) {
    const sel = h(
      'select',
      {
        multiple: true,
        onchange: (e) =>
          set(
            [...e.target.selectedOptions].map((o) => (fact.type === 'integer' ? Number(o.value) : o.value)),
          ),
      },
      choices.map((v) =>
        h('option', {
          value: String(v),
          text: labelOf(fact, v),
          selected: Array.isArray(c.value) && c.value.includes(v),
        }),
      ),
    );
    return sel;
  }
  if (choices)
    return h(
      'select',
      { onchange: (e) => set(fact.type === 'integer' ? Number(e.target.value) : e.target.value) },
      choices.map((v) => h('option', { value: String(v), text: labelOf(fact, v), selected: c.value === v })),
    );
  return h('input', {
    type: fact.type === 'integer' ? 'number' : 'text',
    value: c.value ?? '',
    onchange: (e) => set(fact.type === 'integer' ? Number(e.target.value) : e.target.value),
  });
}
const labelOf = (fact, v) => fact.options?.find((o) => o.value === v)?.label?.vi ?? String(v);

function newCondition(facts) {
  const f = facts[1] ?? facts[0];
  const c = { operator: OPS[f.type][0][0], value: f.enum?.[0] ?? (f.type === 'boolean' ? true : '') };
  setFact(c, f.name);
  return c;
}

const TYPE_WORD = { boolean: 'có/không', integer: 'số', string: 'chữ', date: 'ngày' };
const isGroup = (c) => Array.isArray(c?.all) || Array.isArray(c?.any);

/**
 * Conditions as nested groups: each group holds conditions on facts and further groups, combined by "all"
 * or "any". A negation or a shared named condition stays as JSON (rare, and kept as written).
 */
function conditionBuilder(rule, facts) {
  const box = h('div', { class: 'conds' });
  const draw = () => {
    if (!isGroup(rule.conditions)) {
      box.replaceChildren(
        h('p', { class: 'hint', text: 'Điều kiện dạng phủ định (not) — xem ở dạng JSON:' }),
        h('pre', { text: JSON.stringify(rule.conditions, null, 1) }),
      );
      return;
    }
    box.replaceChildren(groupEditor(rule.conditions, facts, draw, null, 0));
  };
  draw();
  return box;
}

function removeButton(label, onclick) {
  return h('button', { class: 'btn', type: 'button', text: '✕', 'aria-label': label, title: label, onclick });
}

function groupEditor(group, facts, redraw, onRemove, depth) {
  const key = Array.isArray(group.all) ? 'all' : 'any';
  const items = group[key];
  const mode = h(
    'select',
    {
      'aria-label': 'Cách kết hợp',
      onchange: (e) => {
        delete group[key];
        group[e.target.value] = items;
        redraw();
      },
    },
    h('option', { value: 'all', text: 'tất cả điều kiện sau đều đúng', selected: key === 'all' }),
    h('option', { value: 'any', text: 'ít nhất một điều kiện sau đúng', selected: key === 'any' }),
  );
  const head =
    depth === 0 && items.length === 0
      ? h('p', { class: 'hint', text: 'Áp dụng cho mọi hồ sơ.' })
      : h(
          'div',
          { class: 'group-head' },
          h('span', { text: depth === 0 ? 'Áp dụng khi' : 'Nhóm: khi' }),
          mode,
          onRemove ? removeButton('Bỏ nhóm', onRemove) : '',
        );
  const rows = items.map((c, i) => {
    const remove = () => {
      items.splice(i, 1);
      redraw();
    };
    if (c.fact) return conditionRow(c, facts, redraw, remove);
    if (isGroup(c)) return groupEditor(c, facts, redraw, remove, depth + 1);
    return h(
      'div',
      { class: 'cond' },
      h('pre', { class: 'cond-json', text: JSON.stringify(c) }),
      removeButton('Bỏ điều kiện', remove),
    );
  });
  return h(
    'div',
    { class: depth ? 'group group--nested' : 'group', 'data-depth': String(depth) },
    head,
    ...rows,
    h(
      'div',
      { class: 'actions' },
      h('button', {
        class: 'btn',
        type: 'button',
        text: '+ Thêm điều kiện',
        onclick: () => {
          items.push(newCondition(facts));
          redraw();
        },
      }),
      h('button', {
        class: 'btn',
        type: 'button',
        text: key === 'all' ? '+ Thêm nhóm “một trong”' : '+ Thêm nhóm “tất cả”',
        onclick: () => {
          items.push({ [key === 'all' ? 'any' : 'all']: [newCondition(facts)] });
          redraw();
        },
      }),
    ),
  );
}

function conditionRow(c, facts, redraw, remove) {
  const fact = facts.find((f) => f.name === factNameOf(c));
  const ops = OPS[fact?.type] ?? OPS.string;
  return h(
    'div',
    { class: 'cond' },
    h(
      'select',
      {
        'aria-label': 'Thông tin',
        onchange: (e) => {
          setFact(c, e.target.value);
          const f = facts.find((x) => x.name === e.target.value);
          c.operator = OPS[f?.type ?? 'string'][0][0];
          c.value = f?.type === 'boolean' ? true : (f?.enum?.[0] ?? '');
          redraw();
        },
      },
      facts.map((f) =>
        h('option', {
          value: f.name,
          text: `${f.label} (${TYPE_WORD[f.type] ?? f.type})`,
          selected: f.name === factNameOf(c),
        }),
      ),
      fact ? null : h('option', { value: factNameOf(c), text: factNameOf(c), selected: true }),
    ),
    h(
      'select',
      {
        'aria-label': 'Phép so sánh',
        onchange: (e) => {
          c.operator = e.target.value;
          redraw();
        },
      },
      ops.map(([op, label]) => h('option', { value: op, text: label, selected: c.operator === op })),
    ),
    valueInput(fact, c),
    removeButton('Bỏ điều kiện', remove),
  );
}

function basisEditor(rule) {
  rule.basis ??= [{ instrument: '', article: '' }];
  const b = rule.basis[0];
  return h(
    'div',
    { class: 'grid3' },
    h(
      'label',
      { class: 'field' },
      h('span', { text: 'Căn cứ pháp lý (văn bản) *' }),
      h('input', {
        required: true,
        value: b.instrument ?? '',
        onchange: (e) => {
          b.instrument = e.target.value;
        },
      }),
    ),
    h(
      'label',
      { class: 'field' },
      h('span', { text: 'Điều, khoản *' }),
      h('input', {
        required: true,
        value: b.article ?? '',
        onchange: (e) => {
          b.article = e.target.value;
        },
      }),
    ),
    h(
      'label',
      { class: 'field' },
      h('span', { text: 'Đường dẫn' }),
      h('input', {
        type: 'url',
        value: b.url ?? '',
        onchange: (e) => {
          if (e.target.value) b.url = e.target.value;
          else delete b.url;
        },
      }),
    ),
  );
}

function effectiveEditor(rule) {
  rule.effective ??= { from: '' };
  return h(
    'div',
    { class: 'grid2' },
    h(
      'label',
      { class: 'field' },
      h('span', { text: 'Hiệu lực từ' }),
      h('input', {
        type: 'date',
        value: rule.effective.from ?? '',
        onchange: (e) => {
          rule.effective.from = e.target.value;
        },
      }),
    ),
    h(
      'label',
      { class: 'field' },
      h('span', { text: 'Đến hết' }),
      h('input', {
        type: 'date',
        value: rule.effective.to ?? '',
        onchange: (e) => {
          if (e.target.value) rule.effective.to = e.target.value;
          else delete rule.effective.to;
        },
      }),
    ),
  );
}

function messagesEditor(files, table, code) {
  const svc = files['service.json'];
  svc.messages[table] ??= {};
  svc.messages[table][code] ??= { vi: '', en: '' };
  const m = svc.messages[table][code];
  return h(
    'div',
    { class: 'grid2' },
    h(
      'label',
      { class: 'field' },
      h('span', { text: 'Lời nhắn cho người dân (tiếng Việt)' }),
      h(
        'textarea',
        {
          rows: 2,
          onchange: (e) => {
            m.vi = e.target.value;
          },
        },
        m.vi ?? '',
      ),
    ),
    h(
      'label',
      { class: 'field' },
      h('span', { text: 'Message to citizens (English)' }),
      h(
        'textarea',
        {
          rows: 2,
          onchange: (e) => {
            m.en = e.target.value;
          },
        },
        m.en ?? '',
      ),
    ),
  );
}

const titleText = (r) => (typeof r.title === 'string' ? r.title : (r.title?.vi ?? r.id));

const KINDS = {
  fee: { heading: 'Phí, lệ phí', add: '+ Thêm dòng phí', file: 'rules/fees.json', prefix: 'F' },
  require: {
    heading: 'Giấy tờ phải nộp',
    add: '+ Thêm giấy tờ phải nộp',
    file: 'rules/documents.json',
    prefix: 'D',
    param: 'document',
    table: 'documents',
  },
  deny: {
    heading: 'Điều kiện được giải quyết',
    add: '+ Thêm trường hợp không được giải quyết',
    file: 'rules/eligibility.json',
    prefix: 'E',
    param: 'reason',
    table: 'reasons',
  },
};
const FEE_CODES = ['base', 'extra_copies', 'online_discount', 'reduction', 'exemption'];
const fresh = new WeakSet(); // rules added in this working copy: their title and code are still editable

async function editTab(service, info, body) {
  if (!may(service, 'drafter')) {
    body.append(h('p', { class: 'hint', text: 'Vai trò Xem không được sửa quy tắc.' }));
    return;
  }
  const w = await loadWork(service, info);
  const facts = factChoices(w.base);
  const version = h('input', {
    value: nextVersion(w.files['service.json'].version),
    'aria-label': 'Số phiên bản mới',
  });

  function ruleBlock(r, kind) {
    const block = h('div', { class: 'rule', 'data-rule': r.id });
    const draw = () => block.replaceChildren(...ruleParts(r, kind, draw, block));
    draw();
    return block;
  }

  function ruleParts(r, kind, redraw, block) {
    const k = KINDS[kind];
    const isNew = fresh.has(r);
    const parts = [];
    if (isNew) {
      r.title = typeof r.title === 'object' ? r.title : { vi: '', en: '' };
      parts.push(
        h('p', { class: 'tag tag--warn', text: `Quy tắc mới · ${r.id}` }),
        h(
          'div',
          { class: 'grid2' },
          ['vi', 'en'].map((lang) =>
            h(
              'label',
              { class: 'field' },
              h('span', { text: lang === 'vi' ? 'Tên quy tắc (tiếng Việt) *' : 'Rule title (English) *' }),
              h('input', {
                name: `title-${lang}-${r.id}`,
                required: true,
                value: r.title[lang],
                onchange: (e) => {
                  r.title[lang] = e.target.value;
                },
              }),
            ),
          ),
        ),
      );
    } else parts.push(h('h3', { text: titleText(r) }));
    if (kind === 'fee') {
      const p = r.event.params;
      parts.push(
        h(
          'div',
          { class: 'grid2' },
          'amount' in p
            ? h(
                'label',
                { class: 'field' },
                h('span', { text: 'Số tiền (đồng; âm là giảm)' }),
                h('input', {
                  type: 'number',
                  step: '1000',
                  name: `amount-${r.id}`,
                  value: p.amount,
                  onchange: (e) => {
                    p.amount = Number(e.target.value);
                  },
                }),
              )
            : h('p', { class: 'hint', text: JSON.stringify(p) }),
          isNew
            ? h(
                'label',
                { class: 'field' },
                h('span', { text: 'Mã dòng phí' }),
                h(
                  'select',
                  {
                    name: `code-${r.id}`,
                    onchange: (e) => {
                      p.code = e.target.value;
                    },
                  },
                  FEE_CODES.map((c) => h('option', { value: c, text: c, selected: c === p.code })),
                ),
              )
            : h('p', { class: 'hint', text: `Mã dòng phí: ${p.code}` }),
        ),
      );
    } else {
      const code = r.event.params[k.param];
      if (isNew)
        parts.push(
          h(
            'label',
            { class: 'field' },
            h('span', { text: 'Mã (chữ thường, số, dấu _; ví dụ: ban_sao_ho_chieu) *' }),
            h('input', {
              name: `code-${r.id}`,
              pattern: '[a-z][a-z0-9_]*',
              value: code,
              onchange: (e) => {
                const messages = w.files['service.json'].messages;
                messages[k.table] ??= {};
                const next = e.target.value.trim();
                if (code && messages[k.table][code] && !messages[k.table][next]) {
                  messages[k.table][next] = messages[k.table][code];
                  delete messages[k.table][code];
                }
                r.event.params[k.param] = next;
                redraw();
              },
            }),
          ),
        );
      if (code) parts.push(messagesEditor(w.files, k.table, code));
    }
    parts.push(effectiveEditor(r), conditionBuilder(r, facts), basisEditor(r));
    if (isNew)
      parts.push(
        h('button', {
          class: 'btn',
          type: 'button',
          text: 'Bỏ quy tắc mới này',
          onclick: () => {
            for (const f of Object.values(w.files)) {
              const i = f.rules?.indexOf(r) ?? -1;
              if (i >= 0) f.rules.splice(i, 1);
            }
            block.remove();
          },
        }),
      );
    return parts;
  }

  function addRule(kind, list) {
    const k = KINDS[kind];
    const path =
      Object.keys(w.files).find(
        (p) => p.startsWith('rules/') && (w.files[p].rules ?? []).some((r) => r.event?.type === kind),
      ) ?? k.file;
    w.files[path] ??= { rules: [] };
    w.files[path].rules ??= [];
    const r = {
      id: `${k.prefix}-moi-${Date.now().toString(36)}`,
      title: { vi: '', en: '' },
      effective: { from: new Date().toISOString().slice(0, 10) },
      basis: [{ instrument: '', article: '' }],
      conditions: { all: [] },
      event:
        kind === 'fee'
          ? { type: 'fee', params: { code: 'base', amount: 0 } }
          : { type: kind, params: { [k.param]: '' } },
    };
    fresh.add(r);
    w.files[path].rules.push(r);
    const block = ruleBlock(r, kind);
    list.append(block);
    block.scrollIntoView({ block: 'start' });
    block.querySelector('input')?.focus();
  }

  const sections = Object.keys(KINDS).flatMap((kind) => {
    const list = h(
      'div',
      { class: 'rules', 'data-kind': kind },
      rulesOfType(w.files, kind).map((r) => ruleBlock(r, kind)),
    );
    return [
      h('h2', { text: KINDS[kind].heading }),
      list,
      h('button', {
        class: 'btn add-rule',
        type: 'button',
        text: KINDS[kind].add,
        onclick: () => addRule(kind, list),
      }),
    ];
  });
  const json = h('textarea', { class: 'json', readonly: true, 'aria-label': 'JSON của bản nháp' });
  body.append(
    ...sections,
    h('h2', { text: 'Lưu bản nháp' }),
    h(
      'div',
      { class: 'actions' },
      h('label', { class: 'field' }, h('span', { text: 'Phiên bản mới' }), version),
      h('button', {
        class: 'btn btn--primary',
        text: 'Lưu bản nháp',
        onclick: () => saveDraft(service, version.value),
      }),
      h('button', {
        class: 'btn',
        text: 'Xem JSON',
        onclick: () => {
          json.value = JSON.stringify(w.files, null, 2);
          json.hidden = false;
        },
      }),
      h('button', {
        class: 'btn',
        text: 'Bỏ thay đổi',
        onclick: () => {
          work = null;
          route();
        },
      }),
    ),
    Object.keys(w.files).filter((p) => p.startsWith('scenarios/console')).length
      ? h('p', {
          class: 'hint',
          text: `Tình huống đã lưu từ Xem trước: ${(w.files['scenarios/console.json']?.scenarios ?? []).map((s) => s.id).join(', ')}`,
        })
      : '',
    json,
  );
  json.hidden = true;
}

function nextVersion(v) {
  const m = /^(.*?)(\d+)$/.exec(v);
  return m ? `${m[1]}${Number(m[2]) + 1}` : `${v}.1`;
}

async function saveDraft(service, version) {
  const missing = Object.entries(work.files)
    .flatMap(([p, f]) => (p.startsWith('rules/') ? (f.rules ?? []) : []))
    .filter((r) => !r.basis?.[0]?.instrument || !r.basis[0].article);
  if (missing.length)
    return flash(
      `Mỗi quy tắc phải có căn cứ pháp lý (văn bản và điều, khoản): ${missing.map((r) => r.id).join(', ')}`,
      true,
    );
  const unnamed = Object.values(work.files)
    .flatMap((f) => f.rules ?? [])
    .filter((r) => fresh.has(r))
    .filter((r) => !r.title?.vi || !r.title?.en || Object.values(r.event.params).some((v) => v === ''));
  if (unnamed.length)
    return flash(
      `Quy tắc mới cần tên (tiếng Việt và tiếng Anh) và mã: ${unnamed.map((r) => r.id).join(', ')}`,
      true,
    );
  work.files['service.json'].version = version;
  try {
    const saved = await api('POST', `/rules/api/services/${service}/drafts`, { files: work.files });
    const v = await api('GET', `/rules/api/services/${service}/versions/${saved.version}`);
    flash(`Đang tính ảnh hưởng của bản nháp ${saved.version} trên 100.000 hồ sơ mẫu…`);
    const impact = await loadImpact(service, saved.version).catch((e) => ({ error: e.message }));
    work = null;
    pending = [
      `Đã lưu bản nháp ${saved.version}. Thay đổi:`,
      ...v.diff.map((d) => `• ${d}`),
      impactText(impact),
    ].join('\n');
    location.hash = `#/${service}/impact/${encodeURIComponent(saved.version)}`;
  } catch (err) {
    explainError(err);
  }
}

// ---------------------------------------------------------------- impact before publishing
const num = (n) => new Intl.NumberFormat('vi-VN').format(n);
const signedDong = (n) => `${n > 0 ? '+' : n < 0 ? '−' : ''}${dong(Math.abs(n))}`;
const impacts = new Map(); // `${service}/${version}` → report, so a redraw does not run the sample again

async function loadImpact(service, version) {
  const key = `${service}/${version}`;
  if (!impacts.has(key))
    impacts.set(
      key,
      await api('POST', `/rules/api/services/${service}/versions/${version}/impact`, { sample: 100000 }),
    );
  return impacts.get(key);
}

function impactText(r) {
  if (!r || r.error) return `Ảnh hưởng: ${r?.error ?? '—'}`;
  return `Ảnh hưởng trên ${num(r.sample)} hồ sơ mẫu: ${num(r.changed)} hồ sơ đổi kết quả.`;
}

/** One line per way decisions moved; nothing for what did not move. */
function directionLines(d, flips) {
  const lines = [];
  if (d.eligibility.gained) lines.push(`${num(d.eligibility.gained)} hồ sơ chuyển sang đủ điều kiện`);
  if (d.eligibility.lost) lines.push(`${num(d.eligibility.lost)} hồ sơ chuyển sang không đủ điều kiện`);
  const reasonsOnly = flips.reasons - d.eligibility.gained - d.eligibility.lost;
  if (reasonsOnly > 0) lines.push(`${num(reasonsOnly)} hồ sơ đổi lý do từ chối`);
  for (const [code, n] of Object.entries(d.documents.added))
    lines.push(`${num(n)} hồ sơ phải nộp thêm giấy tờ “${code}”`);
  for (const [code, n] of Object.entries(d.documents.removed))
    lines.push(`${num(n)} hồ sơ không còn phải nộp “${code}”`);
  if (d.fee.up)
    lines.push(
      `${num(d.fee.up)} hồ sơ phí tăng, tổng ${signedDong(d.fee.upBy)} (bình quân ${signedDong(Math.round(d.fee.upBy / d.fee.up))})`,
    );
  if (d.fee.down)
    lines.push(
      `${num(d.fee.down)} hồ sơ phí giảm, tổng ${signedDong(d.fee.downBy)} (bình quân ${signedDong(Math.round(d.fee.downBy / d.fee.down))})`,
    );
  if (flips.processing) lines.push(`${num(flips.processing)} hồ sơ đổi thời hạn giải quyết`);
  if (flips.authority) lines.push(`${num(flips.authority)} hồ sơ đổi cơ quan giải quyết`);
  if (flips.notices) lines.push(`${num(flips.notices)} hồ sơ đổi lưu ý cho người dân`);
  return lines;
}

/** A decision summary in a few words: eligible or not, fee, documents. */
function outcomeText(o) {
  if (o.error) return `Không quyết định được (${o.error})`;
  return [
    o.eligible ? 'Đủ điều kiện' : `Chưa đủ điều kiện (${o.reasons.join(', ')})`,
    `phí ${dong(o.feeTotal)}`,
    o.documents.length ? `giấy tờ: ${o.documents.join(', ')}` : 'không thêm giấy tờ',
    o.processing
      ? `thời hạn ${o.processing.replace('working', 'ngày làm việc').replace('calendar', 'ngày')}`
      : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

const viDate = (iso) => iso.split('-').reverse().join('/');

/** The sampled request in the words of the questions citizens are asked; facts without a question are left out. */
function factsText(facts, choices) {
  const flat = {};
  flatten(facts, '', flat);
  const parts = [`Ngày nộp ${viDate(flat.on ?? '')}`];
  for (const [k, v] of Object.entries(flat)) {
    const f = choices.find((c) => c.name === k && c.asked);
    if (!f) continue;
    const shown =
      typeof v === 'boolean' ? (v ? 'có' : 'không') : f.type === 'date' ? viDate(v) : labelOf(f, v);
    parts.push(`${f.label}: ${shown}`);
  }
  return parts.join(' · ');
}

const CHANGE = { added: 'quy tắc mới', removed: 'quy tắc bị bỏ', changed: 'quy tắc được sửa' };

async function impactTab(service, info, version, body) {
  body.append(h('p', { class: 'hint', text: `Đang tính ảnh hưởng của ${version} trên 100.000 hồ sơ mẫu…` }));
  const [r, v] = await Promise.all([
    loadImpact(service, version),
    api('GET', `/rules/api/services/${service}/versions/${version}`),
  ]);
  const choices = factChoices(v);
  const draft = info.versions.find((x) => x.version === version);
  const acts = h('div', { class: 'actions' });
  if (draft?.status === 'draft' && !draft.proposedBy && may(service, 'drafter'))
    acts.append(
      h('button', {
        class: 'btn btn--primary',
        text: 'Đề xuất',
        onclick: () =>
          act(
            `/rules/api/services/${service}/versions/${version}/propose`,
            {},
            'Đã đề xuất, chờ người phê duyệt khác.',
          ),
      }),
    );
  const open = (facts) =>
    h('button', {
      class: 'btn',
      type: 'button',
      text: 'Mở trong Xem trước',
      onclick: () => {
        previewPreset = { version, compare: r.from.version, facts };
        location.hash = `#/${service}/preview`;
      },
    });
  const overall = directionLines(r.directions, r.flips);
  body.replaceChildren(
    h('h2', { text: `Ảnh hưởng của ${version} so với ${r.from.version} đang áp dụng` }),
    v.diff.length
      ? h(
          'ul',
          { class: 'diff' },
          v.diff.map((d) => h('li', { text: d })),
        )
      : '',
    h(
      'div',
      { class: 'impact-summary' },
      h('p', {
        class: 'big',
        text: `${num(r.changed)} / ${num(r.sample)} hồ sơ mẫu đổi kết quả (${((100 * r.changed) / r.sample).toLocaleString('vi-VN', { maximumFractionDigits: 1 })}%)`,
      }),
      overall.length
        ? h(
            'ul',
            {},
            overall.map((l) => h('li', { text: l })),
          )
        : '',
      r.errors.to > r.errors.from
        ? h('p', {
            class: 'alert',
            text: `${num(r.errors.to - r.errors.from)} hồ sơ không quyết định được theo bản nháp`,
          })
        : '',
    ),
    acts,
    h('h2', { text: 'Theo nguyên nhân' }),
    r.causes.length
      ? h('p', {
          class: 'hint',
          text: 'Một hồ sơ có thể chịu ảnh hưởng của nhiều quy tắc cùng lúc; mỗi quy tắc chỉ được tính phần nó quyết định.',
        })
      : h('p', { class: 'hint', text: 'Không hồ sơ mẫu nào đổi kết quả.' }),
    ...r.causes.map((c) =>
      h(
        'section',
        { class: 'rule cause', 'data-cause': c.key },
        h('h3', { text: c.rule ? c.rule.title : 'Thay đổi khác (khai báo thông tin)' }),
        c.rule ? h('p', { class: 'hint', text: `${c.rule.id} · ${CHANGE[c.rule.change]}` }) : '',
        h('p', { text: `${num(c.changed)} hồ sơ đổi kết quả` }),
        h(
          'ul',
          {},
          directionLines(c, c.flips).map((l) => h('li', { text: l })),
        ),
        c.with.length ? h('p', { class: 'hint', text: `Cùng lúc với: ${c.with.join(', ')}` }) : '',
        h(
          'ol',
          { class: 'examples' },
          c.examples.map((e) =>
            h(
              'li',
              {},
              h('p', { class: 'hint', text: factsText(e.facts, choices) }),
              h('p', { text: `Hiện nay: ${outcomeText(e.from)}` }),
              h('p', { text: `Bản nháp: ${outcomeText(e.to)}` }),
              open(e.facts),
            ),
          ),
        ),
      ),
    ),
  );
}

// ---------------------------------------------------------------- preview as the citizen sees it
async function previewTab(service, info, body) {
  const preset = previewPreset;
  previewPreset = null;
  const versions = info.versions.map((v) => v.version);
  const chosen = preset?.version ?? info.current;
  const pick = h(
    'select',
    { 'aria-label': 'Phiên bản' },
    versions.map((v) => h('option', { value: v, text: v, selected: v === chosen })),
  );
  const compare = h(
    'select',
    { 'aria-label': 'So sánh với' },
    h('option', { value: '', text: '— không so sánh —' }),
    versions.map((v) => h('option', { value: v, text: `So sánh với ${v}`, selected: v === preset?.compare })),
  );
  const base =
    (work?.service === service ? work.base : null) ??
    (await api('GET', `/rules/api/services/${service}/versions/${info.current}`));
  const facts = factChoices(base).filter((f) => f.name !== 'on' || true);
  const scenarios = Object.entries(base.files)
    .filter(([p]) => p.startsWith('scenarios/'))
    .flatMap(([, f]) => f.scenarios ?? []);
  const values = {};
  if (preset) flatten(preset.facts, '', values);
  const form = h('div', { class: 'grid3' });
  const drawForm = () =>
    form.replaceChildren(
      ...facts.map((f) => {
        const c = {
          value:
            values[f.name] ??
            f.default ??
            (f.type === 'date' && f.name === 'on' ? new Date().toISOString().slice(0, 10) : undefined),
        };
        if (typeof c.value === 'object') c.value = undefined;
        const input = valueInput({ ...f, enum: f.enum }, c);
        input.addEventListener('change', () => {
          values[f.name] = c.value;
        });
        if (c.value !== undefined) values[f.name] = c.value;
        return h('label', { class: 'field' }, h('span', { text: f.label }), input);
      }),
    );
  drawForm();
  const chooser = h(
    'select',
    {
      'aria-label': 'Tình huống',
      onchange: (e) => {
        const s = scenarios.find((x) => x.id === e.target.value);
        if (!s) return;
        for (const k of Object.keys(values)) delete values[k];
        flatten(s.facts, '', values);
        drawForm();
      },
    },
    h('option', { value: '', text: '— chọn tình huống có sẵn —' }),
    scenarios.map((s) => h('option', { value: s.id, text: `${s.id}: ${s.description}` })),
  );
  const out = h('div');
  body.append(
    h('div', { class: 'actions' }, pick, compare, chooser),
    form,
    h(
      'div',
      { class: 'actions' },
      h('button', { class: 'btn btn--primary', text: 'Xem kết quả', onclick: () => run() }),
    ),
    out,
  );
  if (preset) run();
  async function run() {
    try {
      const decide = (version) =>
        api('POST', `/rules/api/services/${service}/versions/${version}/preview`, { facts: nest(values) });
      const res = await decide(pick.value);
      const other = compare.value && compare.value !== pick.value ? await decide(compare.value) : null;
      out.replaceChildren(
        other ? h('h2', { text: `Theo ${pick.value}` }) : '',
        decisionView(res),
        other ? h('h2', { text: `Theo ${compare.value}` }) : '',
        other ? decisionView(other) : '',
        h(
          'div',
          { class: 'actions' },
          may(service, 'drafter')
            ? h('button', {
                class: 'btn',
                text: 'Lưu thành tình huống kiểm thử',
                onclick: () => saveScenario(service, info, res.vi, nest(values)),
              })
            : '',
        ),
      );
    } catch (err) {
      explainError(err);
    }
  }
}

function flatten(obj, prefix, into) {
  for (const [k, v] of Object.entries(obj)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) flatten(v, `${prefix}${k}.`, into);
    else into[`${prefix}${k}`] = v;
  }
}
function nest(values) {
  const out = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === '') continue;
    const parts = k.split('.');
    let at = out;
    for (const p of parts.slice(0, -1)) at = at[p] ??= {};
    at[parts.at(-1)] = v;
  }
  return out;
}

function decisionView(res) {
  const side = (d, lang, ex) =>
    h(
      'div',
      { class: 'decision', lang },
      h('p', {
        class: 'hint',
        text: lang === 'vi' ? 'Người dân đọc trước khi xác nhận:' : 'The citizen reads before confirming:',
      }),
      h('p', { class: 'citizen', text: res.citizen?.[lang] ?? '' }),
      res.citizenDetails
        ? h(
            'details',
            {},
            h('summary', {
              text: lang === 'vi' ? 'Chi tiết phí và căn cứ pháp lý' : 'Fee details and legal basis',
            }),
            h('p', { class: 'citizen', text: res.citizenDetails[lang] }),
          )
        : '',
      res.expected
        ? h('p', {
            class: 'expected',
            text: `${lang === 'vi' ? 'Ngày dự kiến có kết quả' : 'Expected result date'}: ${res.expected.split('-').reverse().join('/')}`,
          })
        : '',
      h('p', { class: 'hint', text: lang === 'vi' ? 'Chi tiết:' : 'Details:' }),
      h('h3', {
        text:
          lang === 'vi'
            ? d.eligible
              ? 'Đủ điều kiện'
              : 'Chưa đủ điều kiện'
            : d.eligible
              ? 'Eligible'
              : 'Not eligible',
      }),
      d.reasons.length
        ? h(
            'ul',
            {},
            d.reasons.map((r) => h('li', { text: r.message })),
          )
        : '',
      h('p', { text: lang === 'vi' ? 'Giấy tờ:' : 'Documents:' }),
      h(
        'ul',
        {},
        d.documents.map((x) => h('li', { text: x.message })),
      ),
      h('p', {
        text: `${lang === 'vi' ? 'Phí' : 'Fee'}: ${dong(d.fee.total)} (${d.fee.lines.map((l) => `${l.code} ${dong(l.amount)}`).join(', ')})`,
      }),
      d.processing
        ? h('p', {
            text: `${lang === 'vi' ? 'Thời hạn' : 'Processing'}: ${d.processing.days} ${lang === 'vi' ? (d.processing.unit === 'working' ? 'ngày làm việc' : 'ngày') : `${d.processing.unit} days`}`,
          })
        : '',
      d.authority ? h('p', { text: d.authority }) : '',
      ex ? h('p', { class: 'hint', text: typeof ex === 'string' ? ex : JSON.stringify(ex) }) : '',
    );
  const trace = h(
    'details',
    {},
    h('summary', { text: 'Vết suy luận (trace)' }),
    h(
      'ul',
      {},
      (res.vi.trace ?? []).map((t) =>
        h('li', { text: `${t.fired ? '✔' : '·'} ${t.rule} — ${t.title?.vi ?? ''}` }),
      ),
    ),
  );
  return h('div', {}, h('div', { class: 'grid2' }, side(res.vi, 'vi'), side(res.en, 'en')), trace);
}

async function saveScenario(service, info, d, facts) {
  const w = await loadWork(service, info);
  w.files['scenarios/console.json'] ??= { scenarios: [] };
  const file = w.files['scenarios/console.json'];
  const id = `console-${Date.now().toString(36)}`;
  file.scenarios.push({
    id,
    description: `Lưu từ Xem trước (${me.user.username})`,
    facts,
    expect: {
      eligible: d.eligible,
      reasons: d.reasons.map((r) => r.code),
      documents: d.documents.map((r) => r.code),
      fee: { total: d.fee.total },
    },
  });
  flash(`Đã thêm tình huống ${id} vào bản nháp đang soạn; lưu bản nháp để giữ.`);
}

// ---------------------------------------------------------------- audit
async function auditTab(service, body) {
  const { entries } = await api('GET', `/rules/api/services/${service}/audit`);
  body.append(
    h(
      'table',
      { class: 'table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Lúc', 'Ai', 'Việc', 'Phiên bản', 'Thay đổi'].map((t) => h('th', { text: t })),
        ),
      ),
      h(
        'tbody',
        {},
        [...entries].reverse().map((e) =>
          h(
            'tr',
            {},
            h('td', { text: new Date(e.at).toLocaleString('vi-VN') }),
            h('td', { text: `${e.actor.name} (${e.actor.role})` }),
            h('td', { text: `${e.action}${e.outcome === 'refused' ? ' — từ chối' : ''}` }),
            h('td', { text: e.version ?? '' }),
            h(
              'td',
              {},
              h(
                'ul',
                { class: 'diff' },
                (e.diff ?? (e.detail ? [e.detail] : [])).map((d) => h('li', { text: d })),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

start();
