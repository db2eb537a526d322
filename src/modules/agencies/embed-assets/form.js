/*
 * Partnergate voucher form — runs inside /embed/form (framed by an agency's site).
 *
 *   /embed/form#token=pgagt_…   the live form: reads its configuration from /embed/v1/form, issues
 *                               vouchers of the allowed types and looks up this agency's vouchers
 *   /embed/form#preview=1       the admin portal's live preview: renders a configuration posted by
 *                               the portal (same origin only); issuing and lookups are disabled
 *
 * Everything is built with DOM calls and textContent — no HTML strings, no inline code — so the
 * page passes its CSP (script-src 'self') and no configuration text can inject markup.
 *
 * Its words are in the visitor's language (form-words.js picks it: `#…&locale=`, else the browser's
 * languages, else English); money and dates are written by Intl in that language.
 */
(function () {
  'use strict';

  var root = document.getElementById('pg-embed');
  var api = root.getAttribute('data-api') || '/embed/v1';
  var params = new URLSearchParams(location.hash.slice(1));
  var token = params.get('token') || '';
  var preview = params.get('preview') === '1';
  var waitTimer = null;
  var buttons = [];

  // the visitor's language, its messages and formats (form-words.js)
  var words = self.PgEmbedWords.forLocale(params.get('locale'));
  var t = words.t;
  var formatLocale = words.formatLocale;
  var numbers = new Intl.NumberFormat(formatLocale);
  document.documentElement.lang = words.locale;
  document.documentElement.dir = words.dir;

  // ---- helpers --------------------------------------------------------------------------------

  function el(tag, attrs, children) {
    var n = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        if (!Object.hasOwn(attrs, k) || attrs[k] === undefined || attrs[k] === null) continue;
        if (k === 'text') n.textContent = attrs[k];
        else if (k === 'className') n.className = attrs[k];
        else n.setAttribute(k, attrs[k]);
      }
    }
    (children || []).forEach(function (c) {
      if (c) n.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return n;
  }

  function clear(n) {
    while (n.firstChild) n.removeChild(n.firstChild);
  }

  function money(amount, currency) {
    if (amount === null || amount === undefined || !currency) return null;
    try {
      return new Intl.NumberFormat(formatLocale, { style: 'currency', currency: currency }).format(amount / 100);
    } catch {
      return numbers.format(amount / 100) + ' ' + currency;
    }
  }

  function date(iso) {
    if (!iso) return '—';
    var d = new Date(iso);
    return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString(formatLocale, { year: 'numeric', month: 'short', day: 'numeric' });
  }

  function postHeight() {
    if (window.parent === window) return;
    var h = Math.ceil(document.documentElement.getBoundingClientRect().height);
    window.parent.postMessage({ type: 'partnergate:embed:height', height: h }, '*');
  }

  function setBusy(busy) {
    buttons.forEach(function (b) {
      b.disabled = busy || waitTimer !== null || preview;
    });
  }

  /** A refusal as the person at the form should read it. */
  function describeProblem(status, body, retryAfter) {
    var code = body && body.code;
    switch (code) {
      case 'rate_limited':
        return { title: t('problem.rate_limited.title'), text: t('problem.rate_limited.text', { seconds: retryAfter }), wait: retryAfter };
      case 'rate_limiter_unavailable':
        return { title: t('problem.unavailable.title'), text: t('problem.unavailable.text') };
      case 'agency_token_invalid':
      case 'agency_token_required':
        return { title: t('problem.not_set_up.title'), text: t('problem.token_invalid'), fatal: true };
      case 'agency_token_revoked':
        return { title: t('problem.disabled.title'), text: t('problem.token_revoked'), fatal: true };
      case 'agency_inactive':
        return { title: t('problem.disabled.title'), text: t('problem.agency_inactive'), fatal: true };
      case 'agency_tenant_inactive':
        return { title: t('problem.tenant_inactive.title'), text: t('problem.tenant_inactive.text'), fatal: true };
      case 'voucher_not_found':
        return { title: t('problem.not_found.title'), text: t('problem.not_found.text') };
      case 'voucher_type_not_allowed':
        return { title: t('problem.type_not_allowed.title'), text: t('problem.type_not_allowed.text') };
      case 'validation_failed': {
        const first = body && body.errors && body.errors[0];
        return { title: t('check.title'), text: t('problem.field_invalid', { field: first ? String(first.pointer || '').split('/').pop() : '' }) };
      }
      case 'network':
        return { title: t('problem.network.title'), text: t('problem.network.text') };
      default:
        return { title: t('problem.other.title', { status: String(status) }), text: t('problem.other.text') };
    }
  }

  function call(method, path, body) {
    var headers = { authorization: 'Bearer ' + token, accept: 'application/json' };
    if (body) headers['content-type'] = 'application/json';
    return fetch(api + path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined, credentials: 'omit', cache: 'no-store' }).then(
      function (res) {
        return res.text().then(function (text) {
          var json = null;
          try {
            json = text ? JSON.parse(text) : null;
          } catch {
            json = null;
          }
          var retry = parseInt(res.headers.get('retry-after') || '', 10);
          if (!(retry > 0) && json && typeof json.retry_after === 'number') retry = json.retry_after;
          return { ok: res.ok, status: res.status, body: json, retryAfter: retry > 0 ? retry : 1 };
        });
      },
      function () {
        return { ok: false, status: 0, body: { code: 'network' }, retryAfter: 1 };
      },
    );
  }

  // ---- rendering -------------------------------------------------------------------------------

  var alertBox = el('div', { 'data-testid': 'embed-alert', role: 'alert' });

  function showAlert(kind, title, text) {
    clear(alertBox);
    if (!title) return;
    alertBox.appendChild(el('div', { className: 'pg-alert pg-' + kind }, [el('strong', { text: title }), text ? el('span', { text: text }) : null]));
    if (alertBox.scrollIntoView) alertBox.scrollIntoView({ block: 'nearest' });
    postHeight();
  }

  /** Refusals show next to the button that was pressed. */
  function placeAlert(section, before) {
    if (alertBox.parentNode !== section || alertBox.nextSibling !== before) section.insertBefore(alertBox, before);
  }

  function refusal(r) {
    var p = describeProblem(r.status, r.body, r.retryAfter);
    if (p.wait) startWait(p.wait);
    else showAlert('err', p.title, p.text);
    return p;
  }

  /** 429: show the wait, count it down, keep the buttons disabled until it has passed. */
  function startWait(seconds, onDone) {
    var left = seconds;
    if (waitTimer) clearInterval(waitTimer);
    var render = function () {
      showAlert('warn', t('problem.rate_limited.title'), t('problem.rate_limited.text', { seconds: left }));
    };
    render();
    waitTimer = setInterval(function () {
      left -= 1;
      if (left <= 0) {
        clearInterval(waitTimer);
        waitTimer = null;
        showAlert('ok', t('ready.title'), t('ready.text'));
        setBusy(false);
        if (onDone) onDone();
        return;
      }
      render();
    }, 1000);
    setBusy(true);
  }

  /** The voucher in three short rows: what and its status, for whom, reference and validity. */
  function voucherDetails(v) {
    var value = money(v.amount, v.currency);
    var dl = el('dl');
    function pair(term, text, wide) {
      dl.appendChild(el('dt', { text: term }));
      dl.appendChild(el('dd', { text: text, className: wide ? 'pg-wide' : null }));
    }
    var status = t('status', { status: v.status });
    pair(t('detail.voucher'), value ? t('voucher_with_value', { voucher: v.description, value: value }) : v.description);
    pair(t('detail.status'), v.redeemed_at ? t('status_on', { status: status, date: date(v.redeemed_at) }) : status);
    pair(t('detail.recipient'), [v.recipient_name, v.recipient_email].filter(Boolean).join(' · ') || '—', true);
    pair(t('detail.reference'), v.reference || '—');
    pair(t('detail.valid'), t('detail.valid_range', { from: date(v.created_at), to: date(v.expires_at) }));
    return dl;
  }

  /** A labelled input; a required one is marked (the mark is not part of its accessible name) and can show an error under it. */
  function field(id, label, input, required) {
    var lab = el('label', { for: id }, [label, required ? el('span', { className: 'pg-req', 'aria-hidden': 'true', text: ' *' }) : null]);
    if (required) {
      input.setAttribute('required', 'required');
      input.setAttribute('aria-required', 'true');
    }
    var err = el('div', { className: 'pg-field-error', id: id + '-error', role: 'alert' });
    input.setAttribute('aria-describedby', id + '-error');
    return el('div', { className: 'pg-field' }, [lab, input, err]);
  }

  /** Show (or with no message, clear) the error under a field; returns whether the field is fine. */
  function fieldError(input, message) {
    var err = document.getElementById(input.id + '-error');
    if (err) err.textContent = message || '';
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
    return !message;
  }

  function render(cfg) {
    clear(root);
    buttons = [];
    renderHeading(cfg);
    root.appendChild(alertBox);
    wireIssueForm(cfg, buildIssueForm(cfg));
    renderLookupForm();
    root.appendChild(el('p', { className: 'pg-footer', text: t('footer') }));
    setBusy(false);
    postHeight();
  }

  /** The agency's name, the tenant it issues for, the preview notice, the intro text and the rules. */
  function renderHeading(cfg) {
    root.appendChild(el('h1', { text: cfg.agencyName ? t('heading.agency', { agency: cfg.agencyName }) : t('page_title') }));
    if (cfg.tenantName) root.appendChild(el('p', { className: 'pg-muted', text: t('issued_for', { tenant: cfg.tenantName }) }));
    if (preview) root.appendChild(el('div', { className: 'pg-alert pg-warn', 'data-testid': 'preview-notice' }, [el('strong', { text: t('preview.title') }), t('preview.text')]));
    if (cfg.intro) root.appendChild(el('p', { className: 'pg-intro', 'data-testid': 'intro-text', text: cfg.intro }));
    if (cfg.rules.length) {
      const ul = el('ul', { className: 'pg-rules', 'data-testid': 'rules-list' });
      cfg.rules.forEach(function (r) {
        ul.appendChild(el('li', { text: r }));
      });
      root.appendChild(el('section', { className: 'pg-rules-box', 'aria-label': t('rules') }, [el('h2', { text: t('rules') }), ul]));
    }
  }

  /** The issue form, appended to the page: its fields, its button and its confirmation box. */
  function buildIssueForm(cfg) {
    var typeSelect = el('select', { id: 'pg-type', name: 'type', required: 'required' });
    cfg.types.forEach(function (t) {
      typeSelect.appendChild(el('option', { value: t.id, text: t.name }));
    });
    var name = el('input', { id: 'pg-name', name: 'recipient_name', autocomplete: 'name', maxlength: '200' });
    var email = el('input', { id: 'pg-email', name: 'recipient_email', type: 'email', autocomplete: 'email', maxlength: '254' });
    var ref = el('input', { id: 'pg-ref', name: 'reference', maxlength: '100' });
    var issueBtn = el('button', { type: 'submit', text: t('issue.button') });
    // Issuing creates value (a voucher worth money): the form first says what it is about to issue, and for whom.
    var confirmText = el('p', { 'data-testid': 'confirm-text' });
    var confirmBtn = el('button', { type: 'button', text: t('confirm.yes') });
    var cancelBtn = el('button', { type: 'button', className: 'pg-secondary', text: t('confirm.change') });
    var confirmBox = el('div', { className: 'pg-alert pg-warn', 'data-testid': 'issue-confirm', hidden: 'hidden' }, [
      el('strong', { text: t('confirm.title') }),
      confirmText,
      el('div', { className: 'pg-row' }, [confirmBtn, cancelBtn]),
    ]);
    var issued = el('div', { 'data-testid': 'issue-result' });
    var issueForm = el('form', { className: 'pg-card', novalidate: 'novalidate', 'aria-label': t('issue.title') }, [
      el('h2', { text: t('issue.title') }),
      el('div', { className: 'pg-grid' }, [
        field('pg-type', t('field.type'), typeSelect, true),
        field('pg-ref', t('field.reference'), ref),
        field('pg-name', t('field.name'), name, true),
        field('pg-email', t('field.email'), email),
      ]),
      issueBtn,
      confirmBox,
      issued,
    ]);
    if (cfg.types.length === 0) {
      issueForm.appendChild(el('p', { className: 'pg-muted', text: t('issue.no_types') }));
      issueBtn.disabled = true;
    }
    root.appendChild(issueForm);
    buttons.push(issueBtn, confirmBtn);
    return { typeSelect: typeSelect, name: name, email: email, ref: ref, issueBtn: issueBtn, confirmText: confirmText, confirmBtn: confirmBtn, cancelBtn: cancelBtn, confirmBox: confirmBox, issued: issued, issueForm: issueForm };
  }

  /** Issuing: check the fields, say what is about to be issued and for whom, then issue on confirmation. */
  function wireIssueForm(cfg, f) {
    var typeSelect = f.typeSelect, name = f.name, email = f.email, ref = f.ref, issueBtn = f.issueBtn, confirmText = f.confirmText;
    var confirmBtn = f.confirmBtn, cancelBtn = f.cancelBtn, confirmBox = f.confirmBox, issued = f.issued, issueForm = f.issueForm;

    function hideConfirm() {
      confirmBox.hidden = true;
      issueBtn.hidden = false;
      postHeight();
    }
    cancelBtn.addEventListener('click', function () {
      hideConfirm();
      name.focus();
    });
    [typeSelect, name, email, ref].forEach(function (input) {
      input.addEventListener('input', function () {
        if (!confirmBox.hidden) hideConfirm();
      });
    });

    /** Checked here before anything is sent: the type, a recipient name, an email that looks like one. */
    function checkIssueForm() {
      var ok = fieldError(typeSelect, typeSelect.value ? '' : t('check.type'));
      ok = fieldError(name, name.value.trim() ? '' : t('check.name')) && ok;
      ok = fieldError(email, !email.value.trim() || email.checkValidity() ? '' : t('check.email')) && ok;
      postHeight();
      return ok;
    }

    issueForm.addEventListener('submit', function (e) {
      e.preventDefault();
      if (preview) return;
      clear(issued);
      showAlert();
      if (!checkIssueForm()) {
        const bad = issueForm.querySelector('[aria-invalid="true"]');
        if (bad) bad.focus();
        return;
      }
      var type = cfg.types.filter(function (t) {
        return t.id === typeSelect.value;
      })[0];
      var value = type ? money(type.amount, type.currency) : null;
      var voucher = type ? (value && type.name.indexOf(value) < 0 ? t('voucher_with_value', { voucher: type.name, value: value }) : type.name) : t('confirm.some_voucher');
      confirmText.textContent = t('confirm.text', { voucher: voucher, name: name.value.trim(), email: email.value.trim(), hasEmail: email.value.trim() ? 'yes' : 'no' });
      issueBtn.hidden = true;
      confirmBox.hidden = false;
      postHeight();
      confirmBtn.focus();
    });

    confirmBtn.addEventListener('click', function () {
      if (preview) return;
      var body = { type: typeSelect.value, recipient_name: name.value.trim() };
      if (email.value.trim()) body.recipient_email = email.value.trim();
      if (ref.value.trim()) body.reference = ref.value.trim();
      hideConfirm();
      placeAlert(issueForm, issued);
      showAlert();
      clear(issued);
      setBusy(true);
      call('POST', '/vouchers', body).then(function (r) {
        setBusy(false);
        if (!r.ok) return refusal(r);
        var v = r.body;
        var codeText = el('span', { 'data-testid': 'issued-code', text: v.code });
        var copy = el('button', { type: 'button', className: 'pg-secondary', text: t('copy') });
        copy.addEventListener('click', function () {
          if (navigator.clipboard) navigator.clipboard.writeText(v.code).then(function () { copy.textContent = t('copied'); }, function () {});
        });
        issued.appendChild(el('div', { className: 'pg-alert pg-ok' }, [el('div', { className: 'pg-code' }, [el('strong', { text: t('issued') }), codeText, copy]), voucherDetails(v)]));
        issueForm.reset();
        postHeight();
      });
    });
  }

  /** The look-up form: a voucher this agency issued, by its code. */
  function renderLookupForm() {
    var code = el('input', { id: 'pg-code', name: 'code', autocomplete: 'off', spellcheck: 'false', placeholder: 'VCH-XXXX-XXXX-XXXX', maxlength: '64' });
    var lookBtn = el('button', { type: 'submit', text: t('lookup.button') });
    var found = el('div', { 'data-testid': 'lookup-result' });
    var lookForm = el('form', { className: 'pg-card', novalidate: 'novalidate', 'aria-label': t('lookup.title') }, [
      el('h2', { text: t('lookup.title') }),
      el('div', { className: 'pg-row' }, [field('pg-code', t('field.code'), code), lookBtn]),
      found,
    ]);
    root.appendChild(lookForm);
    buttons.push(lookBtn);
    lookForm.addEventListener('submit', function (e) {
      e.preventDefault();
      if (preview) return;
      var c = code.value.trim();
      clear(found);
      placeAlert(lookForm, found);
      showAlert();
      if (!c) return showAlert('err', t('check.title'), t('check.code'));
      setBusy(true);
      call('GET', '/vouchers/' + encodeURIComponent(c)).then(function (r) {
        setBusy(false);
        if (!r.ok) return refusal(r);
        found.appendChild(el('div', { className: 'pg-alert pg-ok' }, [el('strong', { text: r.body.code }), voucherDetails(r.body)]));
        postHeight();
      });
    });
  }

  function fatal(title, text) {
    clear(root);
    root.appendChild(el('div', { className: 'pg-alert pg-err', role: 'alert', 'data-testid': 'embed-alert' }, [el('strong', { text: title }), el('span', { text: text })]));
    postHeight();
  }

  // ---- start -----------------------------------------------------------------------------------

  document.title = t('page_title');
  clear(root);
  root.appendChild(el('p', { className: 'pg-muted', text: t('loading') }));

  if (typeof ResizeObserver === 'function') new ResizeObserver(postHeight).observe(document.documentElement);

  if (preview) {
    // Only the portal (same origin) may drive the preview.
    window.addEventListener('message', function (e) {
      if (e.origin !== location.origin || !e.data || e.data.type !== 'partnergate:embed:preview') return;
      var c = e.data.config || {};
      render({
        agencyName: String(c.agency_name || ''),
        tenantName: String(c.tenant_name || ''),
        intro: String(c.intro_text || ''),
        rules: Array.isArray(c.rules_list) ? c.rules_list.map(String).filter(Boolean) : [],
        types: Array.isArray(c.voucher_types) ? c.voucher_types : [],
      });
    });
    if (window.parent !== window) window.parent.postMessage({ type: 'partnergate:embed:ready' }, location.origin);
    return;
  }

  if (!token) {
    fatal(t('problem.not_set_up.title'), t('problem.no_token'));
    return;
  }

  function load() {
    call('GET', '/form').then(function (r) {
      if (!r.ok) {
        const p = describeProblem(r.status, r.body, r.retryAfter);
        if (!p.wait) return fatal(p.title, p.text);
        // Rate limited before the form could load: count down, then load it.
        clear(root);
        root.appendChild(alertBox);
        startWait(p.wait, load);
        return;
      }
      var f = r.body;
      render({ agencyName: f.agency.name, tenantName: f.tenant.name, intro: f.form.intro_text, rules: f.form.rules_list, types: f.form.voucher_types });
    });
  }
  load();
})();
