// Going Back never discards answers (issue 13), in the mediator's interview.
//
// docassemble's Back restores the interview as it was before the screen being
// left, so every answer given after the screen gone back to is undone: fixing a
// support amount used to wipe the health-insurance and child-care answers that
// followed it. This script remembers what was typed on each screen, in this
// browser tab only (sessionStorage: gone when the tab closes, never sent
// anywhere), and after Back it puts those answers back into each screen the
// mediator passes again, until a screen they have not answered before. The
// server still checks every answer as it is sent.
//
// A screen's answers are keyed by what the screen asks for (docassemble's
// `_event`) and each input's name, so the same generic screen (each parent's
// name, each child) keeps each instance apart. The interview's first screen
// forgets them all, so one family's answers never reach another's case.
(function () {
  var MEMO = 'mediation-agreement:answers';
  var BACK = 'mediation-agreement:after-back';

  function read() {
    try {
      return JSON.parse(sessionStorage.getItem(MEMO) || '{}');
    } catch (e) {
      return {};
    }
  }

  function screenKey(form) {
    var event = form.querySelector('input[name="_event"]');
    return event ? event.value : null;
  }

  function answerable(el) {
    return el.name && el.name.charAt(0) !== '_' && el.type !== 'hidden' && el.type !== 'file' &&
      el.type !== 'submit' && el.type !== 'button' && el.name !== 'csrf_token';
  }

  function remember(form) {
    var key = screenKey(form);
    if (!key) {
      return;
    }
    var memo = read();
    var answers = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!answerable(el)) {
        return;
      }
      if (el.type === 'checkbox') {
        answers[el.name + '\u0000' + el.value] = el.checked;
      } else if (el.type === 'radio') {
        if (el.checked) {
          answers[el.name] = el.value;
        }
      } else {
        answers[el.name] = el.value;
      }
    });
    memo[key] = answers;
    try {
      sessionStorage.setItem(MEMO, JSON.stringify(memo));
    } catch (e) {
      // storage full or disabled: Back then behaves as docassemble's own
    }
  }

  function restore(form) {
    var answers = read()[screenKey(form)];
    if (!answers) {
      sessionStorage.removeItem(BACK); // a screen not answered before: past what Back undid
      return;
    }
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!answerable(el)) {
        return;
      }
      var changed = false;
      if (el.type === 'checkbox') {
        var ticked = answers[el.name + '\u0000' + el.value];
        if (typeof ticked === 'boolean' && el.checked !== ticked) {
          el.checked = ticked;
          changed = true;
        }
      } else if (el.type === 'radio') {
        if (el.name in answers && el.checked !== (answers[el.name] === el.value)) {
          el.checked = answers[el.name] === el.value;
          changed = true;
        }
      } else if (el.name in answers && el.value !== answers[el.name]) {
        el.value = answers[el.name];
        changed = true;
      }
      if (changed) {
        $(el).trigger('change'); // docassemble's `show if` and labelled buttons follow the value
      }
    });
    form.setAttribute('data-ma-restored', '1');
  }

  document.addEventListener('submit', function (event) {
    if (event.target && event.target.id === 'daform') {
      remember(event.target);
    }
  }, true);

  document.addEventListener('click', function (event) {
    var target = event.target && event.target.closest ? event.target.closest('.daquestionbackbutton, #dabackbutton, [name="_back_one"]') : null;
    if (target) {
      sessionStorage.setItem(BACK, '1');
    }
  }, true);

  function questionId(form) {
    var input = form.querySelector('input[name="_question_name"]');
    return input ? input.value.replace(/^ID /, '') : null;
  }

  $(document).on('daPageLoad', function () {
    var form = document.getElementById('daform');
    if (form && questionId(form) === 'start') {
      // A new case (or another of the office's cases) starts here: nothing typed for an earlier
      // family may be put into this one's screens.
      sessionStorage.removeItem(MEMO);
      sessionStorage.removeItem(BACK);
      return;
    }
    if (form && sessionStorage.getItem(BACK) === '1') {
      restore(form);
    }
  });
})();
