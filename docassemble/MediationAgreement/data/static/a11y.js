// Accessibility repairs to docassemble's own markup, on every screen (features: javascript).
//
// docassemble puts aria-required="true" on the group around a required radio or
// checkbox field (beside role="group", which ARIA does not allow it on: axe-core's
// critical "aria-allowed-attr") and on the signature pad's plain <div>. A group
// of radio buttons becomes the radiogroup it is, where aria-required is allowed;
// elsewhere the attribute goes (the field is still checked when it is sent).
// Then #daquestion is marked data-ma-a11y, which the browser tests wait for.
$(document).on('daPageLoad', function () {
  document.querySelectorAll('[aria-required]').forEach(function (el) {
    var role = el.getAttribute('role');
    if (role === 'group' && el.querySelector('input[type=radio]')) {
      el.setAttribute('role', 'radiogroup');
    } else if (role === 'group' || (!role && !/^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName))) {
      el.removeAttribute('aria-required');
    }
  });
  var question = document.getElementById('daquestion');
  if (question) {
    question.setAttribute('data-ma-a11y', '1');
  }
});
