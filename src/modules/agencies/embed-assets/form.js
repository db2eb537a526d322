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
      return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency }).format(amount / 100);
    } catch {
      return (amount / 100).toFixed(2) + ' ' + currency;
    }
  }

  function date(iso) {
    if (!iso) return '—';
    var d = new Date(iso);
    return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
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
    var detail = (body && body.detail) || '';
    switch (code) {
      case 'rate_limited':
        return { title: 'Too many requests', text: 'This form allows a limited number of requests per minute. You can try again in ' + retryAfter + ' second' + (retryAfter === 1 ? '' : 's') + '.', wait: retryAfter };
      case 'rate_limiter_unavailable':
        return { title: 'Temporarily unavailable', text: 'The service cannot take requests right now. Please try again in a moment.' };
      case 'agency_token_invalid':
      case 'agency_token_required':
        return { title: 'This form is not set up correctly', text: 'Its access token is not valid. Please tell the site owner.', fatal: true };
      case 'agency_token_revoked':
        return { title: 'This form has been disabled', text: 'The provider revoked its access. Please tell the site owner.', fatal: true };
      case 'agency_inactive':
        return { title: 'This form has been disabled', text: 'The agency is no longer active with the provider.', fatal: true };
      case 'agency_tenant_inactive':
        return { title: 'Vouchers are unavailable', text: 'The provider is not accepting requests at the moment.', fatal: true };
      case 'voucher_not_found':
        return { title: 'No voucher found', text: 'No voucher with this code was issued through this form. Check the code and try again.' };
      case 'voucher_type_not_allowed':
        return { title: 'Not available', text: 'This form cannot issue that kind of voucher.' };
      case 'validation_failed': {
        const first = body && body.errors && body.errors[0];
        return { title: 'Please check the form', text: first ? fieldName(first.pointer) + ' ' + first.detail + '.' : detail };
      }
      default:
        return { title: 'Something went wrong (' + status + ')', text: detail || 'Please try again.' };
    }
  }

  function fieldName(pointer) {
    var f = String(pointer || '').split('/').pop();
    return { recipient_email: 'The email address', recipient_name: 'The name', reference: 'The reference', type: 'The voucher type' }[f] || 'A field';
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
        return { ok: false, status: 0, body: { code: 'network', detail: 'The voucher service cannot be reached. Check your connection and try again.' }, retryAfter: 1 };
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
      showAlert('warn', 'Too many requests', 'This form allows a limited number of requests per minute. You can try again in ' + left + ' second' + (left === 1 ? '' : 's') + '.');
    };
    render();
    waitTimer = setInterval(function () {
      left -= 1;
      if (left <= 0) {
        clearInterval(waitTimer);
        waitTimer = null;
        showAlert('ok', 'Ready', 'You can send requests again.');
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
    pair('Voucher', v.description + (value ? ' (' + value + ')' : ''));
    pair('Status', v.status + (v.redeemed_at ? ' ' + date(v.redeemed_at) : ''));
    pair('Recipient', [v.recipient_name, v.recipient_email].filter(Boolean).join(' · ') || '—', true);
    pair('Reference', v.reference || '—');
    pair('Valid', date(v.created_at) + ' – ' + date(v.expires_at));
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
    root.appendChild(el('p', { className: 'pg-footer', text: 'Secured by Partnergate' }));
    setBusy(false);
    postHeight();
  }

  /** The agency's name, the tenant it issues for, the preview notice, the intro text and the rules. */
  function renderHeading(cfg) {
    root.appendChild(el('h1', { text: cfg.agencyName ? cfg.agencyName + ' — vouchers' : 'Vouchers' }));
    if (cfg.tenantName) root.appendChild(el('p', { className: 'pg-muted', text: 'Issued on behalf of ' + cfg.tenantName }));
    if (preview) root.appendChild(el('div', { className: 'pg-alert pg-warn', 'data-testid': 'preview-notice' }, [el('strong', { text: 'Preview' }), 'Issuing and lookups are disabled here.']));
    if (cfg.intro) root.appendChild(el('p', { className: 'pg-intro', 'data-testid': 'intro-text', text: cfg.intro }));
    if (cfg.rules.length) {
      const ul = el('ul', { className: 'pg-rules', 'data-testid': 'rules-list' });
      cfg.rules.forEach(function (r) {
        ul.appendChild(el('li', { text: r }));
      });
      root.appendChild(el('section', { className: 'pg-rules-box', 'aria-label': 'Rules' }, [el('h2', { text: 'Rules' }), ul]));
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
    var issueBtn = el('button', { type: 'submit', text: 'Issue voucher' });
    // Issuing creates value (a voucher worth money): the form first says what it is about to issue, and for whom.
    var confirmText = el('p', { 'data-testid': 'confirm-text' });
    var confirmBtn = el('button', { type: 'button', text: 'Yes, issue it' });
    var cancelBtn = el('button', { type: 'button', className: 'pg-secondary', text: 'Change something' });
    var confirmBox = el('div', { className: 'pg-alert pg-warn', 'data-testid': 'issue-confirm', hidden: 'hidden' }, [
      el('strong', { text: 'Issue this voucher?' }),
      confirmText,
      el('div', { className: 'pg-row' }, [confirmBtn, cancelBtn]),
    ]);
    var issued = el('div', { 'data-testid': 'issue-result' });
    var issueForm = el('form', { className: 'pg-card', novalidate: 'novalidate', 'aria-label': 'Issue a voucher' }, [
      el('h2', { text: 'Issue a voucher' }),
      el('div', { className: 'pg-grid' }, [
        field('pg-type', 'Voucher type', typeSelect, true),
        field('pg-ref', 'Your reference', ref),
        field('pg-name', 'Recipient name', name, true),
        field('pg-email', 'Recipient email', email),
      ]),
      issueBtn,
      confirmBox,
      issued,
    ]);
    if (cfg.types.length === 0) {
      issueForm.appendChild(el('p', { className: 'pg-muted', text: 'No voucher types are enabled for this form.' }));
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
      var ok = fieldError(typeSelect, typeSelect.value ? '' : 'Choose a voucher type.');
      ok = fieldError(name, name.value.trim() ? '' : 'Enter the name of the person who gets the voucher.') && ok;
      ok = fieldError(email, !email.value.trim() || email.checkValidity() ? '' : 'Enter an email address like name@example.com, or leave it empty.') && ok;
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
      confirmText.textContent =
        (type ? type.name : 'A voucher') + (value && type.name.indexOf(value) < 0 ? ' (' + value + ')' : '') + ' for ' + name.value.trim() + (email.value.trim() ? ' <' + email.value.trim() + '>' : '') + '. The voucher is valid once issued.';
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
        var copy = el('button', { type: 'button', className: 'pg-secondary', text: 'Copy' });
        copy.addEventListener('click', function () {
          if (navigator.clipboard) navigator.clipboard.writeText(v.code).then(function () { copy.textContent = 'Copied'; }, function () {});
        });
        issued.appendChild(el('div', { className: 'pg-alert pg-ok' }, [el('div', { className: 'pg-code' }, [el('strong', { text: 'Voucher issued' }), codeText, copy]), voucherDetails(v)]));
        issueForm.reset();
        postHeight();
      });
    });
  }

  /** The look-up form: a voucher this agency issued, by its code. */
  function renderLookupForm() {
    var code = el('input', { id: 'pg-code', name: 'code', autocomplete: 'off', spellcheck: 'false', placeholder: 'VCH-XXXX-XXXX-XXXX', maxlength: '64' });
    var lookBtn = el('button', { type: 'submit', text: 'Look up' });
    var found = el('div', { 'data-testid': 'lookup-result' });
    var lookForm = el('form', { className: 'pg-card', novalidate: 'novalidate', 'aria-label': 'Look up a voucher' }, [
      el('h2', { text: 'Look up a voucher' }),
      el('div', { className: 'pg-row' }, [field('pg-code', 'Voucher code', code), lookBtn]),
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
      if (!c) return showAlert('err', 'Please check the form', 'Enter a voucher code.');
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
    fatal('This form is not set up correctly', 'It has no access token. Copy the embed code from the Partnergate portal again.');
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
