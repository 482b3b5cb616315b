/* Mutation operators, applied in the browser to the page the site rendered.

   The replay server injects this script first in <head> (agent.replay.Mutation), with CONFIG
   filled in by mutation/operators.py. It runs before the page's own scripts, so it can wrap
   fetch (slow hydration, a notice after the save) and patch getElementById (renamed ids); then a
   MutationObserver finds the setting's control each time the page renders one, by what it is
   (a switch: an element with a checked state; buttons: a button; a select: a dropdown) and by
   its accessible name (the flow's own patterns; a dropdown's may be its row's title), and applies the operators to it once (a WeakSet remembers it).
   Everything it adds carries data-mut, so it never mistakes its own elements for the page's.

   Every operator keeps the page's own logic in charge: a swapped control is a proxy whose click
   clicks the hidden original, and whose look follows the original's state. Nothing here draws
   at random: every choice was made in Python from the mutant's seed. */
(function () {
  'use strict';
  var C = /*CONFIG*/null;
  var OPS = {};
  C.ops.forEach(function (o) { OPS[o.op] = o; });
  function has(name) { return Object.prototype.hasOwnProperty.call(OPS, name); }

  var realGetById = Document.prototype.getElementById;
  var byId = function (id) { return realGetById.call(document, id); };
  var NAMES = C.names.map(function (source) { return new RegExp(source, 'i'); });
  // The titles a control with no name of its own is found beside (a settings row's title).
  var BESIDE = C.beside.map(function (source) { return new RegExp(source, 'i'); });
  var Z = 2147483000;  // above anything the page stacks
  var controls = [];   // {orig, visible, ...} for each control found, in order
  var seen = new WeakSet();
  var counter = 0;
  var bypassConfirm = false;

  /* ---------- helpers ---------- */
  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { el.append(c); });
    return el;
  }
  function uid(prefix) { counter += 1; return 'mut-' + prefix + '-' + C.seed + '-' + counter; }
  function hide(el) { el.style.setProperty('display', 'none', 'important'); }
  function reverse(s) { return s.split('').reverse().join(''); }
  function norm(s) { return s.replace(/\s+/g, ' ').trim(); }
  function textOf(el) {
    if (el.nodeType === Node.TEXT_NODE) { return el.nodeValue; }
    if (el.nodeType !== Node.ELEMENT_NODE || el.getAttribute('aria-hidden') === 'true') { return ''; }
    return Array.prototype.map.call(el.childNodes, textOf).join('');
  }
  function labelIds(el) { return (el.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean); }
  function accName(el) {
    var ids = labelIds(el);
    if (ids.length) { return norm(ids.map(function (id) { var l = byId(id); return l ? textOf(l) : ''; }).join(' ')); }
    var label = el.getAttribute('aria-label');
    if (label && label.trim()) { return norm(label); }
    if (el.labels && el.labels.length) { return norm(Array.prototype.map.call(el.labels, textOf).join(' ')); }
    return el.tagName === 'INPUT' ? '' : norm(textOf(el));
  }
  var DROPDOWN = 'select, [role="combobox"], [aria-haspopup]:not([aria-haspopup="false"]):not([aria-haspopup="dialog"])';
  /* The title of the row a dropdown sits in, when it matches the flow's names: looked for in
     each ancestor in turn, up to one that holds another dropdown (then it is no title of its). */
  function titleOf(el) {
    var titles = 'h1, h2, h3, h4, h5, h6, [role="heading"], label, legend';
    for (var up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      var others = Array.prototype.some.call(up.querySelectorAll(DROPDOWN), function (x) {
        return x !== el && !el.contains(x) && !x.closest('[data-mut]');
      });
      if (others) { return null; }
      var title = Array.prototype.find.call(up.querySelectorAll(titles), function (t) {
        return !t.contains(el) && !t.closest('[data-mut]') && NAMES.some(function (r) { return r.test(norm(textOf(t))); });
      });
      if (title) { return title; }
    }
    return null;
  }
  function isNative(el) { return el instanceof HTMLInputElement && el.type === 'checkbox'; }
  function stateful(el) { return el.hasAttribute('aria-checked') || el.hasAttribute('aria-pressed') || isNative(el); }
  function readState(el) {
    var aria = el.getAttribute('aria-checked');
    if (aria === null) { aria = el.getAttribute('aria-pressed'); }
    return aria !== null ? aria : String(el.checked);
  }
  function setState(el, state) {
    var on = state === 'true';
    var input = el.tagName === 'LABEL' ? el.querySelector('input') : el;
    if (isNative(input)) { input.checked = on; }
    [el, input].forEach(function (x) {
      ['aria-checked', 'aria-pressed'].forEach(function (a) { if (x.hasAttribute(a)) { x.setAttribute(a, state); } });
    });
    var word = el.querySelector && el.querySelector('[data-mut="state"]');
    if (word) { word.textContent = C.words[on ? 0 : 1]; }
  }
  function post(path, body) {
    var headers = { 'content-type': 'application/json' };
    if (C.csrf) {
      var m = document.cookie.match(new RegExp('(?:^|; )' + C.csrf.cookie + '=([^;]*)'));
      headers[C.csrf.header] = m ? m[1].replace(/^"|"$/g, '') : '';
    }
    return realFetch(path, { method: 'POST', credentials: 'include', headers: headers, body: JSON.stringify(body) });
  }
  function whenBody(fn) {
    if (document.body) { fn(); } else { document.addEventListener('DOMContentLoaded', fn); }
  }
  /* The row a control sits in: the largest ancestor holding no other thing to click. */
  function rowOf(el) {
    var row = el;
    var clickable = 'button, input, select, a[href], [role], [tabindex]';
    while (row.parentElement && row.parentElement !== document.body) {
      var parent = row.parentElement;
      var others = Array.prototype.filter.call(parent.querySelectorAll(clickable), function (x) {
        return !row.contains(x) && !seen.has(x) && x.closest('[aria-hidden="true"]') === null;
      });
      if (others.length || parent.matches(clickable)) { break; }
      row = parent;
    }
    return row;
  }

  /* ---------- fetch: what follows a save (a slow hydration is the server's delay) ---------- */
  var realFetch = window.fetch.bind(window);
  var afterSave = [];
  window.fetch = function (input, init) {
    var url = new URL(typeof input === 'string' ? input : input.url, location.href);
    var method = ((init && init.method) || (typeof input === 'string' ? 'GET' : input.method)).toUpperCase();
    return realFetch(input, init).then(function (response) {
      if (method !== 'GET' && url.pathname === C.api + '/' + C.setting && response.ok) {
        setTimeout(function () { afterSave.forEach(function (fn) { fn(); }); }, 0);
      }
      return response;
    });
  };

  /* ---------- renamed ids: the page's own lookups still find them ---------- */
  var renamedIds = {};
  if (has('rename')) {
    Document.prototype.getElementById = function (id) {
      return realGetById.call(this, id) || (renamedIds[id] ? realGetById.call(this, renamedIds[id]) : null);
    };
  }
  function rename(root, labels) {
    var tag = OPS.rename.tag;
    var els = [root].concat(Array.prototype.slice.call(root.querySelectorAll('*')), labels);
    els.forEach(function (el) {
      if (el.getAttribute('data-mut')) { return; }
      var renamed = function (name) { return name.indexOf(tag + '_') === 0; };
      if (OPS.rename.classes && el.classList.length) {
        el.setAttribute('class', Array.prototype.map.call(el.classList, function (c) { return renamed(c) ? c : tag + '_' + reverse(c); }).join(' '));
      }
      // A re-rendered node comes back with the old id: renamed again, as the site would.
      if (OPS.rename.ids && el.id && !renamed(el.id)) {
        var old = el.id, now = tag + '_' + reverse(old);
        renamedIds[old] = now;
        el.id = now;
        document.querySelectorAll('[aria-labelledby], [aria-describedby], [aria-controls], [for]').forEach(function (x) {
          ['aria-labelledby', 'aria-describedby', 'aria-controls', 'for'].forEach(function (a) {
            var v = x.getAttribute(a);
            if (v) { x.setAttribute(a, v.split(/\s+/).map(function (i) { return i === old ? now : i; }).join(' ')); }
          });
        });
      }
    });
  }

  /* ---------- overlays: dialogs, walls, banners, notices ---------- */
  function overlay(spec) {
    var box = h('div', { 'data-mut': 'overlay' });
    var titleId = uid('title');
    if (spec.modal) {
      box.append(h('div', { 'data-mut': 'backdrop', style: 'position:fixed;inset:0;z-index:' + Z + ';background:rgba(0,0,0,.5)' }));
    }
    var panel = h('div', {
      role: spec.role || 'dialog',
      style: spec.style || ('position:fixed;z-index:' + (Z + 1) + ';top:50%;left:50%;transform:translate(-50%,-50%);' +
        'width:420px;padding:24px;background:#fff;color:#111;border-radius:8px;font:15px/1.4 sans-serif')
    }, [h('h2', { id: titleId, style: 'margin:0 0 8px;font-size:20px' }, [spec.title]), h('p', {}, [spec.body || ''])]);
    if (spec.modal) { panel.setAttribute('aria-modal', 'true'); }
    if (panel.getAttribute('role') === 'dialog') { panel.setAttribute('aria-labelledby', titleId); } else { panel.setAttribute('aria-label', spec.title); }
    spec.buttons.forEach(function (b) {
      var attrs = { type: 'button', 'data-mut': 'button', style: 'margin:8px 8px 0 0;padding:6px 14px' };
      if (b.aria) { attrs['aria-label'] = b.aria; }
      var button = h('button', attrs, [b.text]);
      button.addEventListener('click', function () { b.action(box, button); });
      panel.append(button);
    });
    box.append(panel);
    document.body.append(box);
    return box;
  }
  function close(box) { box.remove(); }
  function accept(what) {
    return function (box) { post(C.accept, { op: what }).finally(function () { box.remove(); }); };
  }
  function dialogOp(o) {
    return function () {
      overlay({ modal: true, title: o.title, body: o.body, buttons: [
        { text: o.accept, action: accept('dialog') },
        { text: o.dismiss, aria: o.dismiss_aria, action: close }
      ] });
    };
  }
  function wallOp(o) {
    return function () {
      overlay({ modal: true, title: o.title, body: o.body, buttons: [{ text: o.accept, action: accept('terms_wall') }] });
    };
  }
  function bannerOp(o) {
    return function () {
      var style = 'position:fixed;left:0;right:0;' + (o.where === 'top' ? 'top:0' : 'bottom:0') + ';z-index:' + Z +
        ';padding:12px 24px;background:#222;color:#fff;font:14px sans-serif';
      var buttons = o.accept ? [{ text: o.accept, action: accept('banner') }] : [];
      buttons.push({ text: o.dismiss, aria: o.dismiss_aria, action: close });
      overlay({ role: o.role, style: style, title: o.title, body: o.body, buttons: buttons });
    };
  }
  var beforeHydration = [], afterHydration = [];
  [['dialog', dialogOp], ['terms_wall', wallOp], ['banner', bannerOp]].forEach(function (pair) {
    if (!has(pair[0])) { return; }
    var o = OPS[pair[0]];
    (o.when === 'before' ? beforeHydration : afterHydration).push([o.after_ms || 0, pair[1](o)]);
  });
  whenBody(function () { beforeHydration.forEach(function (p) { p[1](); }); });
  var hydrated = false;
  function onHydrated() {
    if (hydrated) { return; }
    hydrated = true;
    afterHydration.forEach(function (p) { setTimeout(p[1], p[0]); });
  }
  if (has('notice_after')) {
    afterSave.push(function () {
      overlay({ modal: true, title: OPS.notice_after.title, body: OPS.notice_after.body,
        buttons: [{ text: OPS.notice_after.button, action: close }] });
    });
  }

  /* ---------- confirmation added: the click only asks; the save waits for the answer ---------- */
  if (has('confirm_added')) {
    window.addEventListener('click', function (e) {
      if (bypassConfirm) { return; }
      var ctl = controls.find(function (c) { return c.visible.contains(e.target); });
      if (!ctl) { return; }
      e.preventDefault();
      e.stopImmediatePropagation();
      var o = OPS.confirm_added;
      overlay({ modal: true, title: o.title, body: o.body, buttons: [
        { text: o.cancel, action: close },
        { text: o.confirm, action: function (box) {
          box.remove();
          bypassConfirm = true;
          try { ctl.visible.click(); } finally { bypassConfirm = false; }
        } }
      ] });
    }, true);
  }

  /* ---------- confirmation removed: the page's own confirm is answered at once, unseen ---------- */
  var answered = new WeakSet();
  function answerDialogs() {
    document.querySelectorAll('[role="dialog"], [role="alertdialog"]').forEach(function (d) {
      if (d.closest('[data-mut]')) { return; }
      var buttons = Array.prototype.filter.call(d.querySelectorAll('button'), function (b) { return !b.disabled; });
      if (!answered.has(d)) {
        // The control's own confirm: a dialog with a button named like the control.
        var confirm = buttons.find(function (b) { return NAMES.some(function (r) { return r.test(accName(b)); }); });
        if (!confirm) { return; }
        answered.add(d);
        for (var up = d; up && up !== document.body; up = up.parentElement) {
          if (up === d || getComputedStyle(up).position === 'fixed') { hide(up); }
        }
        d.mutClicked = confirm;
        confirm.click();
      } else if (buttons.length === 1 && buttons[0] !== d.mutClicked) {
        d.mutClicked = buttons[0];
        buttons[0].click();  // the notice that followed the change: acknowledged, unseen
      }
    });
  }

  /* ---------- the control: a proxy that drives the hidden original ---------- */
  function makeProxy(ctl, as) {
    var state = readState(ctl.orig), p, input;
    var size = 'min-width:36px;min-height:20px';
    if (as === 'same') {
      p = ctl.orig.cloneNode(true);
      [p].concat(Array.prototype.slice.call(p.querySelectorAll('[id]'))).forEach(function (x) { x.removeAttribute('id'); });
      p.style.removeProperty('display');
    } else if (as === 'checkbox') {
      p = h('input', { type: 'checkbox' });
    } else if (as === 'switch') {
      p = h('button', { type: 'button', role: 'switch', 'aria-checked': state, style: size });
    } else if (as === 'button_checked') {
      p = h('button', { type: 'button', 'aria-checked': state, style: size });
    } else if (as === 'button_pressed') {
      p = h('button', { type: 'button', 'aria-pressed': state, style: size });
    } else {  // label_checkbox: the box inside its <label>, with the visible On/Off text
      p = h('label', {}, [h('input', { type: 'checkbox' }), ' ', h('span', { 'data-mut': 'name' }, [ctl.name]), ' ',
        h('span', { 'data-mut': 'state' }, [C.words[state === 'true' ? 0 : 1]])]);
    }
    p.setAttribute('data-mut', 'proxy');
    if (as !== 'same') {
      /* Painted above what shared the original's place (a switch's track drawn over it): the
         new control is as clickable as the one it replaces. */
      p.style.position = 'relative';
      p.style.zIndex = '1';
    }
    if (as !== 'label_checkbox' && as !== 'same') {
      if (ctl.labelledby) { p.setAttribute('aria-labelledby', ctl.labelledby); } else if (ctl.label) { p.setAttribute('aria-label', ctl.label); }
    } else if (as === 'same' && ctl.labelledby && !p.hasAttribute('aria-labelledby') && !p.hasAttribute('aria-label')) {
      /* Rendered anew, a control keeps its name; a <label for> names only the original (the
         clone lost its id), so the clone is named by the same labels. */
      p.setAttribute('aria-labelledby', ctl.labelledby);
    }
    setState(p, state);
    input = p.tagName === 'LABEL' ? p.querySelector('input') : p;
    input.addEventListener('click', function (e) {
      e.preventDefault();  // the proxy shows what the original holds, nothing of its own
      ctl.orig.click();
      setTimeout(function () { sync(ctl); }, 0);
    });
    return p;
  }
  function swapIn(ctl, as) {
    var p = makeProxy(ctl, as);
    if (ctl.visible === ctl.orig) {
      ctl.orig.after(p);
      hide(ctl.orig);
    } else {
      ctl.visible.replaceWith(p);
    }
    ctl.visible = p;
    ctl.as = as;
  }
  function sync(ctl) {
    var state = readState(ctl.orig);
    if (ctl.visible !== ctl.orig) {
      if (has('rerender') && ctl.last !== undefined && state !== ctl.last) { swapIn(ctl, ctl.as); }
      setState(ctl.visible, state);
      var input = ctl.visible.tagName === 'LABEL' ? ctl.visible.querySelector('input') : ctl.visible;
      input.disabled = !!ctl.orig.disabled;
    } else if (has('rerender') && ctl.last !== undefined && state !== ctl.last) {
      swapIn(ctl, 'same');
    }
    ctl.last = state;
    (ctl.stateWords || []).forEach(function (w) { w(state); });
  }
  setInterval(function () {
    controls = controls.filter(function (c) { return c.orig.isConnected || c.visible.isConnected; });
    controls.forEach(sync);
    if (has('confirm_removed')) { answerDialogs(); }
  }, 40);

  /* ---------- operators on the control, in a fixed order ---------- */
  /* A control named by a <label> (for= or around it) and by nothing else: the ids of those
     labels, given one if need be, so that the operators reach its name as they reach an
     aria-labelledby one (and a proxy in its place is named by the same labels). */
  function nativeLabels(el) {
    if (el.getAttribute('aria-label') || !el.labels || !el.labels.length) { return null; }
    return Array.prototype.map.call(el.labels, function (l) {
      if (!l.id) { l.id = uid('label'); }
      return l.id;
    }).join(' ');
  }
  function labelElements(ctl) {
    return (ctl.labelledby || '').split(/\s+/).map(byId).filter(Boolean);
  }
  function transformText(s) {
    switch (OPS.label_text.how) {
      case 'upper': return s.toUpperCase();
      case 'lower': return s.toLowerCase();
      case 'title': return s.replace(/\S+/g, function (w) { return w.charAt(0).toUpperCase() + w.slice(1).toLowerCase(); });
      case 'spaces': return s.replace(/ /g, '   ');
      case 'nbsp': return s.replace(/ /g, '\u00a0');
      case 'newline': return '\n\t' + s.replace(/ (\S+)$/, '\n$1') + '\n';
      default: return s;
    }
  }
  function retext(el) {
    var walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    var nodes = [];
    while (walker.nextNode()) { nodes.push(walker.currentNode); }
    nodes.forEach(function (t) {
      if (t.parentElement.closest('[data-mut]') && t.parentElement.closest('[data-mut]') !== el.closest('[data-mut]')) { return; }
      if (t.nodeValue.trim()) { t.nodeValue = transformText(t.nodeValue); }
    });
  }
  /* Words added to the control's accessible name: its state, a chevron or a count. */
  function addToName(ctl, make, before) {
    var labels = labelElements(ctl);
    var target = ctl.visible.tagName === 'LABEL' ? ctl.visible.querySelector('[data-mut="name"]') : labels[0];
    if (C.kind === 'buttons') { target = ctl.visible; }
    if (!target && ctl.title) { target = ctl.title; }
    if (target) {
      var span = make();
      if (before) { target.prepend(span, ' '); } else { target.append(' ', span); }
      return;
    }
    if (ctl.visible.getAttribute('aria-label')) {  // a name of its own: rewritten with it
      var base = ctl.visible.getAttribute('aria-label');
      var spanned = make();
      ctl.visible.setAttribute('aria-label', before ? spanned.textContent + ' ' + base : base + ' ' + spanned.textContent);
    }
  }
  /* The title beside a control in its row: the nearest ancestor's element whose whole text is
     a title, before an ancestor holds another control. The operators reach it as a label. */
  function titleBeside(el) {
    if (!BESIDE.length) { return null; }
    for (var a = el.parentElement; a; a = a.parentElement) {
      var title = Array.prototype.find.call(a.querySelectorAll('*'), function (t) {
        var text = norm(textOf(t));
        return !t.contains(el) && BESIDE.some(function (r) { return r.test(text); });
      });
      if (title) { return title; }
      if (a.querySelectorAll('input[type="checkbox"], [aria-checked], [aria-pressed]').length > 1) { return null; }
    }
    return null;
  }
  function besideLabel(el) {
    var title = titleBeside(el);
    if (!title) { return null; }
    if (!title.id) { title.id = uid('title'); }
    return title.id;
  }
  function process(orig) {
    seen.add(orig);
    var ctl = { orig: orig, visible: orig, name: accName(orig), labelledby: orig.getAttribute('aria-labelledby') || nativeLabels(orig) || besideLabel(orig),
      label: orig.getAttribute('aria-label'), stateWords: [], title: C.kind === 'select' ? titleOf(orig) : null };
    controls.push(ctl);
    onHydrated();
    if (has('control_missing')) { hide(orig); return; }
    if (has('unlabel')) {
      orig.removeAttribute('aria-labelledby');
      orig.removeAttribute('aria-label');
      ctl.labelledby = ctl.label = null;
    }
    if (has('swap')) { swapIn(ctl, OPS.swap.as); }
    if (has('label_text')) {
      labelElements(ctl).forEach(retext);
      if (ctl.visible.tagName === 'LABEL') { retext(ctl.visible.querySelector('[data-mut="name"]')); }
      if (C.kind === 'buttons') { retext(ctl.visible); }
      if (ctl.title && labelElements(ctl).indexOf(ctl.title) < 0) { retext(ctl.title); }
      if (ctl.visible.getAttribute('aria-label')) { ctl.visible.setAttribute('aria-label', transformText(ctl.visible.getAttribute('aria-label'))); }
    }
    if (has('state_text')) {
      var o = OPS.state_text;
      var wordOf = function (state) { return C.words[state === 'true' ? 0 : 1]; };
      if (o.where === 'aria-label') {
        var base = ctl.name;
        ctl.stateWords.push(function (state) {
          var name = o.before ? wordOf(state) + o.sep + base : base + o.sep + wordOf(state);
          if (ctl.visible.getAttribute('aria-label') !== name) { ctl.visible.setAttribute('aria-label', name); }
          ctl.visible.removeAttribute('aria-labelledby');
        });
      } else {
        var word = h('span', { 'data-mut': 'word', id: uid('state') });
        if (o.where === 'labelledby' && ctl.labelledby) {
          ctl.visible.after(word);
          ctl.labelledby = o.before ? word.id + ' ' + ctl.labelledby : ctl.labelledby + ' ' + word.id;
          [ctl.orig, ctl.visible].forEach(function (x) { x.setAttribute('aria-labelledby', ctl.labelledby); });
        } else {
          addToName(ctl, function () { return word; }, o.before);
        }
        ctl.stateWords.push(function (state) {
          if (word.textContent !== wordOf(state)) { word.textContent = wordOf(state); }
        });
      }
    }
    if (has('name_decor')) {
      addToName(ctl, function () { return h('span', { 'data-mut': 'decor' }, [OPS.name_decor.text]); }, OPS.name_decor.before);
    }
    var row = rowOf(ctl.visible);
    if (has('rename')) {
      rename(row, labelElements(ctl));
      ctl.labelledby = ctl.visible.getAttribute('aria-labelledby') || nativeLabels(ctl.visible);  // by the new ids
    }
    if (has('wrap')) {
      var outer = null, inner = null;
      OPS.wrap.tags.forEach(function (tag, i) {
        var w = h(tag, { class: 'w' + C.seed + '-' + i, 'data-mut': 'wrap' });
        if (inner) { inner.append(w); } else { outer = w; }
        inner = w;
      });
      ctl.visible.replaceWith(outer);
      inner.append(ctl.visible);
      row = rowOf(ctl.visible);
    }
    if (has('reorder') && row.parentElement) {
      var parent = row.parentElement;
      var how = OPS.reorder.how;
      if (how === 'first') { parent.prepend(row); }
      if (how === 'last') { parent.append(row); }
      if (how === 'reverse') { Array.prototype.slice.call(parent.children).reverse().forEach(function (x) { parent.append(x); }); }
    }
    if (has('decoy')) { addDecoy(ctl, row); }
    sync(ctl);
  }

  /* ---------- a decoy: like the control, for another setting the server records ---------- */
  function addDecoy(ctl, row) {
    var o = OPS.decoy;
    var d = ctl.visible.cloneNode(true);
    [d].concat(Array.prototype.slice.call(d.querySelectorAll('*'))).forEach(function (x) {
      ['id', 'aria-labelledby', 'aria-describedby', 'aria-controls', 'aria-haspopup', 'aria-expanded', 'aria-label'].forEach(function (a) { x.removeAttribute(a); });
    });
    d.style.removeProperty('display');
    d.setAttribute('data-mut', 'decoy');
    var box = h(row.tagName === 'LI' ? 'li' : 'div', { 'data-mut': 'decoy-row', class: row.getAttribute('class') || '' });
    var nameSpan = d.tagName === 'LABEL' ? d.querySelector('[data-mut="name"]') : null;
    if (C.kind === 'buttons') {
      if (o.label) {
        box.setAttribute('role', 'group');
        box.setAttribute('aria-label', o.label);
        box.append(h('h3', {}, [o.label]));
      }
    } else if (nameSpan) {
      nameSpan.textContent = o.label || '';
    } else {
      if (o.label) {
        var id = uid('decoy');
        box.append(h('span', { id: id }, [o.label]), ' ');
        d.setAttribute('aria-labelledby', id);
      }
    }
    setState(d, C.kind === 'buttons' ? 'true' : readState(ctl.orig));
    box.append(d);
    var input = d.tagName === 'LABEL' ? d.querySelector('input') : d;
    input.addEventListener('click', function () {
      var next;
      if (C.kind === 'buttons') {
        next = false;
      } else {
        next = isNative(input) ? input.checked : readState(d) !== 'true';
        setState(d, String(next));
      }
      post(C.api + '/' + C.decoy, { value: next });
    });
    if (o.where === 'before') { row.before(box); } else { row.after(box); }
  }

  /* ---------- finding the control each time the page renders one ---------- */
  function isControl(el) {
    if (seen.has(el) || el.closest('[data-mut]')) { return false; }
    if (C.kind === 'select') {
      if (!el.matches(DROPDOWN)) { return false; }
      if (el.closest('[role="dialog"], [role="alertdialog"], [role="menu"], [role="listbox"]')) { return false; }
      var title = titleOf(el);
      return NAMES.some(function (r) { return r.test(accName(el)) || (title !== null && r.test(norm(textOf(title)))); });
    }
    if (C.kind === 'switch') {
      if (!stateful(el)) { return false; }
    } else {
      var role = el.getAttribute('role');
      if (!(role === 'button' || (role === null && el.tagName === 'BUTTON'))) { return false; }
      if (el.closest('[role="dialog"], [role="alertdialog"], [role="menu"]')) { return false; }
    }
    var name = accName(el);
    return NAMES.some(function (r) { return r.test(name); }) || titleBeside(el) !== null;
  }
  function scan() {
    var found = document.querySelectorAll('input[type="checkbox"], [aria-checked], [aria-pressed], button, [role="button"], ' + DROPDOWN);
    Array.prototype.filter.call(found, isControl).forEach(process);
    if (has('confirm_removed')) { answerDialogs(); }
  }
  new MutationObserver(scan).observe(document.documentElement, { childList: true, subtree: true });
}());
