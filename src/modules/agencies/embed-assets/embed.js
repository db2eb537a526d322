/*
 * Partnergate voucher form — the <script> embed.
 *   <script src="https://PARTNERGATE/embed/assets/embed.js" data-token="pgagt_…" async></script>
 * Inserts the form as an iframe right after this script tag (so the form's code and styles stay
 * isolated from the host page) and resizes it to its content. The token travels in the URL
 * fragment, which browsers never send to a server or put in a Referer.
 *
 * The form speaks the page's language: the tag's `data-locale`, else the page's `<html lang>`, is
 * passed to the form with the token (the form falls back to the visitor's browser language). The
 * frame's title in each language is filled in by the server where the FRAME TITLES mark is.
 */
(function (titles) {
  'use strict';
  var script = document.currentScript;
  if (!script || !script.src) return;
  var token = script.getAttribute('data-token') || '';
  var asked = script.getAttribute('data-locale') || document.documentElement.lang || '';
  var origin = new URL(script.src).origin;

  /** The first of the tags asked for that the form speaks (fr-CA → fr), else English. */
  function pick(tags) {
    for (let i = 0; i < tags.length; i++) {
      const tag = String(tags[i] || '').trim();
      if (!tag) continue;
      if (Object.hasOwn(titles, tag)) return tag;
      const base = tag.toLowerCase().split(/[-_]/)[0];
      if (Object.hasOwn(titles, base)) return base;
    }
    return 'en';
  }

  var frame = document.createElement('iframe');
  frame.src = origin + '/embed/form#token=' + encodeURIComponent(token) + (asked ? '&locale=' + encodeURIComponent(asked) : '');
  frame.title = script.getAttribute('data-title') || titles[pick([asked].concat(navigator.languages || [navigator.language]))] || '';
  frame.setAttribute('referrerpolicy', 'no-referrer');
  // the form's Copy button writes the voucher code to the clipboard
  frame.setAttribute('allow', 'clipboard-write');
  frame.style.width = '100%';
  frame.style.maxWidth = script.getAttribute('data-max-width') || '560px';
  frame.style.border = '0';
  frame.style.height = '640px';
  frame.style.display = 'block';
  script.parentNode.insertBefore(frame, script.nextSibling);
  window.addEventListener('message', function (e) {
    if (e.origin !== origin || e.source !== frame.contentWindow) return;
    var d = e.data;
    if (d && d.type === 'partnergate:embed:height' && typeof d.height === 'number' && d.height > 0 && d.height < 10000) {
      frame.style.height = Math.ceil(d.height) + 'px';
    }
  });
})(/* FRAME TITLES */ {});
