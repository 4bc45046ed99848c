/* kb-reading-list, picker: putting a list together, on any page but the list page.
 *
 * Each section's link row (in the link directory, and in the "Share or print" control under each
 * heading of an essay) has an "Add to reading list" button (page.js makes them, and loads this
 * script at the first click). Once a section is picked, a panel at the bottom of the page shows the list (move up, move down,
 * remove), a note field, the list's link (data-reading-list-url) with "Copy link", and a way to
 * open it.
 *
 * Nothing is stored: the list lives in this page's memory and in its address. Each change is
 * written into the address's "#..." part (history.replaceState, no new history entry), so Back,
 * a reload and the list page's "Change this list" all bring it back; a link to another page of
 * the site that has no "#..." of its own takes the list along, so it follows the therapist from
 * page to page. Module convention: see core.js.
 */
(function (kb) {
  "use strict";

  var core = kb.core || require("./core.js");
  var page = kb.page || require("./page.js");

  var WIDE = "(min-width: 63em)"; // Furo's breakpoint for a desktop layout
  var ADDRESS_PAUSE_MS = 400;     // typing a note rewrites the address once the typing pauses
  var quoted = page.quoted;
  var make = page.make;

  function sections(count) { return count === 1 ? "1 section" : count + " sections"; }

  // env: {links (tools.js), sections (data.js), onDirectory, rows: page.js's add buttons, as
  // [{id, button, names}]}. Returns {toggle(id, button)}, for the click that loaded this script.
  function setUp(env) {
    var ids = [];
    var note = "";
    var names = new Map();    // id -> {heading, title}; "missing" ids have {missing: true}
    var buttons = new Map();  // id -> the add buttons for it on this page
    var panel = null;
    var parts = null;         // the panel's parts that change
    var addressTimer = null;
    // What the link needs of each id (short code, discreet page), from the section map; null when
    // it could not be looked up. The link waits for it: a list with a discreet page must never be
    // shown or sent by its ids, even for the moment before the look-up ends.
    var known = new Map();
    var opaque;               // the reader's choice: true, false, or undefined (discreet pages decide)

    function knownOf(id) { return known.get(id) || undefined; }
    function fragment() { return core.format({ ids: ids, note: note, opaque: opaque }, knownOf); }
    function pending() {
      return ids.some(function (id) { return id.charAt(0) !== core.CODE_KEY && !known.has(id); });
    }

    function lookUp() {
      var wanted = ids.filter(function (id) { return id.charAt(0) !== core.CODE_KEY && !known.has(id); });
      if (!wanted.length) return;
      env.sections.lookup(wanted).then(function (entries) {
        var info = env.sections.known(entries);
        wanted.forEach(function (id) { known.set(id, info(id) || null); });
        updateLinks();
        writeAddress();
      });
    }

    function writeAddress() {
      clearTimeout(addressTimer);
      if (pending()) return; // written once the look-up ends
      var current = location.hash;
      if (!fragment() && !core.isList(current)) return; // leave a section's own "#id" alone
      var wanted = fragment() ? "#" + fragment() : "";
      if (current !== wanted) history.replaceState(history.state, "", location.pathname + location.search + wanted);
    }

    function nameOf(id) {
      var known = names.get(id);
      if (known && known.missing) return "A section no longer on the site";
      return (known && known.heading) || id.replace(/-/g, " ");
    }

    // -- the add buttons ------------------------------------------------------------------------

    function addButtons() {
      env.rows.forEach(function (row) {
        if (!names.has(row.id)) names.set(row.id, row.names);
        row.button.addEventListener("click", function () { toggle(row.id, row.button); });
        buttons.set(row.id, (buttons.get(row.id) || []).concat([row.button]));
      });
    }

    function updateButtons() {
      buttons.forEach(function (list, id) {
        var picked = ids.indexOf(id) >= 0;
        list.forEach(function (button) {
          page.label(button, picked, nameOf(id));
          button.classList.toggle("kb-rl-picked", picked);
        });
      });
    }

    // -- the panel ------------------------------------------------------------------------------

    function buildPanel() {
      panel = make("section", { "class": "kb-rl-panel", "data-reading-list-panel": "", "aria-labelledby": "kb-rl-panel-title" });
      var bar = make("div", { "class": "kb-rl-panel-bar" });
      var title = make("h2", { id: "kb-rl-panel-title", "class": "kb-rl-panel-title" });
      var toggleButton = make("button", { type: "button", "class": "kb-rl-button kb-rl-toggle", "aria-controls": "kb-rl-panel-body" });
      var link = make("a", { "class": "kb-rl-panel-link", "data-reading-list-url": "" });
      var copyRow = make("p", { "class": "kb-copy-row" });
      var copy = make("a", { "class": "kb-copy-link", "data-copy-link": "", "aria-label": "Copy link to this reading list" }, "Copy link");
      copyRow.appendChild(copy);
      copyRow.appendChild(make("span", { "class": "kb-copy-status", role: "status", "aria-live": "polite" }));
      var open = make("a", { "class": "kb-rl-open" }, "Open the list");
      bar.append(title, link, copyRow, open, toggleButton);

      var body = make("div", { id: "kb-rl-panel-body", "class": "kb-rl-panel-body" });
      var picks = make("ol", { "class": "kb-rl-picks" });
      var field = make("p", { "class": "kb-rl-note-field" });
      var label = make("label", { "for": "kb-rl-note" }, "A note for the reader (optional)");
      var textarea = make("textarea", { id: "kb-rl-note", rows: "2", maxlength: String(core.LIMITS.noteChars),
                                        "aria-describedby": "kb-rl-note-help", "data-reading-list-note-input": "" });
      field.append(label, textarea);
      var help = make("p", { id: "kb-rl-note-help", "class": "kb-rl-help" },
        "The note goes into the link, so anyone who has the link can read it. Leave out names and anything private.");
      var opaqueField = make("p", { "class": "kb-rl-opaque-field" });
      var opaqueLabel = make("label", {});
      var opaqueBox = make("input", { type: "checkbox", "data-reading-list-opaque": "", "aria-describedby": "kb-rl-opaque-help" });
      opaqueLabel.append(opaqueBox, document.createTextNode(" Send a link that does not name the sections"));
      opaqueField.appendChild(opaqueLabel);
      var opaqueHelp = make("p", { id: "kb-rl-opaque-help", "class": "kb-rl-help" },
        "The link then holds short codes instead of the sections' names. A list with a help page for the hardest moments is sent this way unless you untick this.");
      body.append(picks, field, help, opaqueField, opaqueHelp);
      if (!env.onDirectory) {
        var more = make("p", { "class": "kb-rl-more" });
        more.appendChild(make("a", { "class": "kb-rl-directory" }, "Add sections from other essays in the link directory"));
        body.appendChild(more);
      }
      var status = make("p", { "class": "kb-rl-panel-status", role: "status", "aria-live": "polite" });
      panel.append(bar, body, status);

      var expanded = env.onDirectory && window.matchMedia(WIDE).matches;
      function setExpanded(value) {
        expanded = value;
        body.hidden = !value;
        toggleButton.setAttribute("aria-expanded", String(value));
        toggleButton.textContent = value ? "Hide the list" : "Show the list";
      }
      setExpanded(expanded);
      toggleButton.addEventListener("click", function () { setExpanded(!expanded); makeRoom(); });

      textarea.addEventListener("input", function () {
        note = textarea.value;
        updateLinks();
        clearTimeout(addressTimer);
        addressTimer = setTimeout(writeAddress, ADDRESS_PAUSE_MS);
      });
      textarea.addEventListener("change", writeAddress);
      opaqueBox.addEventListener("change", function () {
        opaque = opaqueBox.checked;
        updateLinks();
        writeAddress();
      });
      picks.addEventListener("click", function (event) {
        var button = event.target.closest("button[data-reading-list-action]");
        if (!button) return;
        var id = button.closest("[data-reading-list-pick]").getAttribute("data-reading-list-pick");
        act(id, button.getAttribute("data-reading-list-action"));
      });
      (document.querySelector("article") || document.body).appendChild(panel);
      if (window.ResizeObserver) new ResizeObserver(makeRoom).observe(panel);
      parts = { title: title, link: link, copy: copy, open: open, picks: picks, textarea: textarea, status: status,
                opaque: opaqueBox };
    }

    function updateLinks() {
      if (!panel) return;
      parts.opaque.checked = core.wantsOpaque({ ids: ids, opaque: opaque }, knownOf);
      if (pending()) {
        parts.link.textContent = "Making the link…";
        [parts.link, parts.copy, parts.open].forEach(function (node) { node.removeAttribute("href"); });
        parts.copy.setAttribute("data-url", "");
        return;
      }
      var frag = fragment();
      parts.link.textContent = env.links.absolute(frag);
      parts.link.href = env.links.page(frag);
      parts.copy.href = env.links.absolute(frag);
      parts.copy.setAttribute("data-url", env.links.absolute(frag));
      parts.open.href = env.links.page(frag);
      var directory = panel.querySelector(".kb-rl-directory");
      if (directory) directory.href = env.links.directory(frag);
    }

    function pickItem(id, index) {
      var name = nameOf(id);
      var known = names.get(id) || {};
      var item = make("li", { "data-reading-list-pick": id });
      var row = make("div", { "class": "kb-rl-pick" });
      var label = make("span", { "class": "kb-rl-pick-name" });
      label.appendChild(make("span", { "class": "kb-rl-pick-heading" }, name));
      if (known.title) label.appendChild(make("span", { "class": "kb-rl-pick-title" }, "from " + quoted(known.title)));
      var actions = make("span", { "class": "kb-rl-pick-actions" });
      [["up", "Move up"], ["down", "Move down"], ["remove", "Remove"]].forEach(function (pair) {
        var button = make("button", { type: "button", "class": "kb-rl-button", "data-reading-list-action": pair[0],
                                      "aria-label": pair[1] + ": " + quoted(name) }, pair[1]);
        var stuck = (pair[0] === "up" && index === 0) || (pair[0] === "down" && index === ids.length - 1);
        if (stuck) button.setAttribute("aria-disabled", "true"); // still focusable: focus never drops
        actions.appendChild(button);
      });
      row.append(label, actions);
      item.appendChild(row);
      return item;
    }

    function render(focus) {
      updateButtons();
      if (!ids.length) {
        if (panel) panel.hidden = true;
        makeRoom();
        return;
      }
      if (!panel) buildPanel();
      panel.hidden = false;
      parts.title.textContent = "Reading list: " + sections(ids.length);
      if (parts.textarea.value !== note) parts.textarea.value = note;
      parts.picks.replaceChildren.apply(parts.picks, ids.map(pickItem));
      updateLinks();
      lookUp();
      makeRoom();
      if (focus) {
        var again = parts.picks.querySelector('[data-reading-list-pick="' + focus.id + '"] [data-reading-list-action="' + focus.action + '"]');
        if (again) again.focus();
      }
    }

    // The panel never hides what a reader moves to: the page scrolls a focused or found element
    // clear of it (scroll-padding; WCAG 2.4.11), and a panel fixed to the bottom of a phone's screen
    // (the CSS says when) gets room under the page (Furo's .page: the body is one screen high).
    function makeRoom() {
      var shown = panel && !panel.hidden;
      var fixed = shown && getComputedStyle(panel).position === "fixed";
      (document.querySelector(".page") || document.body).style.paddingBottom = fixed ? panel.offsetHeight + "px" : "";
      document.documentElement.style.scrollPaddingBottom = shown ? panel.offsetHeight + "px" : "";
    }

    function say(text) {
      if (parts) parts.status.textContent = text;
    }

    // -- changes ----------------------------------------------------------------------------------

    function toggle(id, button) {
      if (ids.indexOf(id) >= 0) {
        ids = core.removed(ids, id);
        render();
        say("Removed " + quoted(nameOf(id)) + ".");
      } else if (core.isFull(ids)) {
        say("The list is full: a reading list holds up to " + core.LIMITS.sections + " sections.");
      } else {
        ids = core.added(ids, id);
        render();
        say("Added " + quoted(nameOf(id)) + ". The list has " + sections(ids.length) + ".");
      }
      writeAddress();
      if (button) button.focus();
    }

    function act(id, action) {
      var name = quoted(nameOf(id));
      if (action === "remove") {
        var at = ids.indexOf(id);
        ids = core.removed(ids, id);
        var next = ids[Math.min(at, ids.length - 1)];
        render(next && { id: next, action: "remove" });
        say("Removed " + name + "." + (ids.length ? "" : " The list is empty."));
        if (!ids.length) {
          var own = buttons.get(id);
          if (own) own[0].focus();
        }
      } else {
        var before = ids.indexOf(id);
        ids = core.moved(ids, id, action === "up" ? -1 : 1);
        render({ id: id, action: action });
        var now = ids.indexOf(id);
        say(now === before ? name + " is already " + (action === "up" ? "first." : "last.")
          : "Moved " + name + " to place " + (now + 1) + " of " + ids.length + ".");
      }
      writeAddress();
    }

    // A list from an address (a reload, Back, "Change this list"): its ids as the site knows them
    // today, named from the section map where this page does not show them.
    function restore(hash) {
      var list = core.parse(hash);
      ids = list.ids;
      note = list.note;
      opaque = list.opaque || undefined;  // an opaque link stays opaque
      render();
      if (!ids.length) return;
      env.sections.lookup(ids).then(function (entries) {
        var info = env.sections.known(entries);
        entries.forEach(function (found, id) {
          if (found.status === "found" && !names.has(found.id || id)) names.set(found.id || id, { heading: found.heading, title: found.title });
          if (found.status === "missing") names.set(id, { missing: true });
        });
        var today = env.sections.today(entries);
        // A renamed id becomes today's; a gone one stays in its place, named as gone, until removed.
        ids = core.renamed(ids, function (id) { return today(id) || id; });
        ids.forEach(function (id) { if (info(id)) known.set(id, info(id)); });
        render();
        writeAddress();
      });
    }

    // A plain click on a link to another page of the site, with no "#..." of its own, takes the list along.
    function carry(event) {
      if (!ids.length || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey
          || event.shiftKey || event.altKey) return;
      var link = event.target.closest && event.target.closest("a[href]");
      if (!link || link.hasAttribute("download") || (link.target && link.target !== "_self")
          || link.getAttribute("href").indexOf("#") >= 0 || (panel && panel.contains(link))) return;
      var url = new URL(link.href, location.href);
      var root = env.links.root();
      if (url.origin !== root.origin || url.pathname.indexOf(root.pathname) !== 0 || !/(\/|\.html)$/.test(url.pathname)) return;
      event.preventDefault();
      location.assign(url.pathname + url.search + "#" + fragment());
    }

    addButtons();
    updateButtons();
    if (core.isList(location.hash)) restore(location.hash);
    window.addEventListener("hashchange", function () {
      if (core.isList(location.hash) && location.hash !== "#" + fragment()) restore(location.hash);
    });
    document.addEventListener("click", carry);
    window.addEventListener("resize", makeRoom);
    return { toggle: toggle };
  }

  var picker = { setUp: setUp };
  kb.picker = picker;
  if (typeof module === "object" && module.exports) module.exports = picker;
})(typeof kbReadingList === "object" ? kbReadingList : {});
