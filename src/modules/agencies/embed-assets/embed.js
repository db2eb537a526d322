/*
 * Partnergate voucher form — the <script> embed.
 *   <script src="https://PARTNERGATE/embed/assets/embed.js" data-token="pgagt_…" async></script>
 * Inserts the form as an iframe right after this script tag (so the form's code and styles stay
 * isolated from the host page) and resizes it to its content. The token travels in the URL
 * fragment, which browsers never send to a server or put in a Referer.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || !script.src) return;
  var token = script.getAttribute('data-token') || '';
  var origin = new URL(script.src).origin;
  var frame = document.createElement('iframe');
  frame.src = origin + '/embed/form#token=' + encodeURIComponent(token);
  frame.title = script.getAttribute('data-title') || 'Voucher form';
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
})();
