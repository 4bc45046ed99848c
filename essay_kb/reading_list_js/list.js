/* kb-reading-list, list: the list page (/reading-list/, its container data-reading-list).
 *
 * From the link's "#..." part: the note (as text, never as markup), then each picked section in
 * order, as its own page shows it: the page is fetched from this site, the section is taken out
 * by its data-section-id and put here with its links and images pointing where they did, its ids
 * made unique on this page (glossary previews keep working: kb.js listens on the whole document),
 * and its headings one level under this page's title. A section renamed or moved is shown where
 * it is today (the section map knows); one that is gone leaves a calm line in its place.
 * Then the list's link, its QR code (drawn here with the vendored qrcode-generator) and "Print".
 * Module convention: see core.js.
 */
(function (kb) {
  "use strict";

  var core = kb.core || require("./core.js");

  var SVG = "http://www.w3.org/2000/svg";
  var QR_MARGIN = 4; // the quiet zone the QR standard asks for, in modules
  var HEADINGS = "h2, h3, h4, h5, h6";

  function make(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text) node.textContent = text;
    return node;
  }

  function levelOf(heading) { return Number(heading.tagName.slice(1)); }

  function renamedElement(node, tag) {
    var other = document.createElement(tag);
    Array.from(node.attributes).forEach(function (attribute) { other.setAttribute(attribute.name, attribute.value); });
    while (node.firstChild) other.appendChild(node.firstChild);
    node.replaceWith(other);
  }

  // A section taken from its page (at `pageUrl`), made to belong on this one.
  function adopt(section, pageUrl, prefix) {
    var copy = document.importNode(section, true);
    copy.querySelectorAll("[href], [src]").forEach(function (node) {
      ["href", "src"].forEach(function (name) {
        var value = node.getAttribute(name);
        if (value === null) return;
        var url = new URL(value, pageUrl);
        node.setAttribute(name, url.origin === location.origin ? url.pathname + url.search + url.hash : url.href);
      });
    });
    var ids = new Map();
    [copy].concat(Array.from(copy.querySelectorAll("[id]"))).forEach(function (node) {
      if (!node.id) return;
      ids.set(node.id, prefix + node.id);
      node.id = prefix + node.id;
    });
    ["aria-describedby", "aria-labelledby", "aria-controls", "for"].forEach(function (name) {
      copy.querySelectorAll("[" + name + "]").forEach(function (node) {
        node.setAttribute(name, node.getAttribute(name).split(/\s+/).map(function (id) { return ids.get(id) || id; }).join(" "));
      });
    });
    var top = copy.querySelector(HEADINGS);
    var shift = top ? levelOf(top) - 2 : 0;
    if (shift > 0) {
      Array.from(copy.querySelectorAll(HEADINGS)).forEach(function (heading) {
        renamedElement(heading, "h" + Math.max(2, levelOf(heading) - shift));
      });
    }
    return copy;
  }

  function drawQr(holder, link, qrcode) {
    var qr = qrcode(0, "M");
    qr.addData(link, "Byte");
    qr.make();
    var count = qr.getModuleCount();
    var size = count + 2 * QR_MARGIN;
    var width = core.qrPrintWidth(count, QR_MARGIN) + "mm"; // on paper; the screen's size is in the CSS
    var svg = document.createElementNS(SVG, "svg");
    [["viewBox", "0 0 " + size + " " + size], ["width", width], ["height", width], ["role", "img"],
     ["aria-label", "QR code of the link to this reading list"], ["shape-rendering", "crispEdges"]].forEach(function (pair) {
      svg.setAttribute(pair[0], pair[1]);
    });
    var paper = document.createElementNS(SVG, "rect");
    paper.setAttribute("width", String(size));
    paper.setAttribute("height", String(size));
    paper.setAttribute("fill", "#fff");
    var modules = document.createElementNS(SVG, "path");
    modules.setAttribute("d", core.qrPath(count, qr.isDark, QR_MARGIN));
    modules.setAttribute("fill", "#000");
    svg.append(paper, modules);
    holder.replaceChildren(svg);
  }

  var WORDS = ["", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten"];

  function missingLine(count, shown) {
    var parts = count === 1 ? "One part of this list is" : (WORDS[count] || count) + " parts of this list are";
    return parts + " no longer on the site, so " + (count === 1 ? "it is" : "they are") + " left out"
      + (shown ? ". The rest of the list is here." : ".");
  }

  // env: {links, sections (data.js), loadPage(path) -> Promise of a Document, loadQr() -> Promise of qrcode}.
  function show(root, env) {
    var parts = {
      note: root.querySelector("[data-reading-list-note]"),
      noteText: root.querySelector("[data-reading-list-note-text]"),
      status: root.querySelector("[data-reading-list-status]"),
      items: root.querySelector("[data-reading-list-items]"),
      share: root.querySelector("[data-reading-list-share]"),
      qr: root.querySelector("[data-reading-list-qr]"),
      link: root.querySelector("[data-reading-list-url]"),
      copy: root.querySelector("[data-reading-list-share] [data-copy-link]"),
      change: root.querySelector("[data-reading-list-change]"),
    };
    var pages = new Map();
    var shown = 0; // which rendering is current: a later "#..." replaces an earlier one

    function page(path) {
      if (!pages.has(path)) {
        pages.set(path, env.loadPage(path).catch(function (error) { pages.delete(path); throw error; }));
      }
      return pages.get(path);
    }

    function item(number, total, id) {
      var holder = make("div", { "class": "kb-rl-item", "data-reading-list-item": "", "data-reading-list-id": id });
      holder.appendChild(make("p", { "class": "kb-rl-item-number" }, "Part " + number + " of " + total));
      return holder;
    }

    function fill(holder, found, number) {
      return page(found.page).then(function (doc) {
        var pageUrl = new URL(found.page, env.links.root()).href;
        var from = make("p", { "class": "kb-rl-item-from" }, "From ");
        from.appendChild(make("a", { href: new URL(found.page, env.links.root()).pathname + (found.id ? "#" + found.id : "") }, found.title));
        holder.appendChild(from);
        if (!found.id) {
          holder.appendChild(make("p", { "class": "kb-rl-gone" }, "This part has been folded into that page: follow the link to read it there."));
          return;
        }
        var section = doc.querySelector('article section[data-section-id="' + CSS.escape(found.id) + '"]');
        if (!section) throw new Error(found.id + " is not on " + found.page);
        holder.appendChild(adopt(section, pageUrl, "kb-rl-" + number + "-"));
      }).catch(function () {
        holder.appendChild(make("p", { "class": "kb-rl-gone" },
          "This part could not be loaded just now. Check your connection, then reload this page."));
      });
    }

    function share(list, known) {
      var frag = core.format(list, known);
      var absolute = env.links.absolute(frag);
      parts.link.textContent = absolute;
      parts.link.href = env.links.page(frag);
      parts.copy.href = absolute;
      parts.copy.setAttribute("data-url", absolute);
      parts.change.href = env.links.directory(frag);
      parts.share.hidden = false;
      return env.loadQr().then(function (qrcode) { drawQr(parts.qr, absolute, qrcode); }, function () {
        parts.qr.textContent = "The QR code could not be drawn just now: reload the page to try again.";
      });
    }

    function render() {
      var run = ++shown;
      var list = core.parse(location.hash);
      parts.note.hidden = !list.note;
      parts.noteText.textContent = list.note;
      parts.items.replaceChildren();
      parts.share.hidden = true;
      if (!list.ids.length) {
        parts.status.textContent = "This reading list is empty. Its link may have been cut short: ask the person who sent it for the whole link.";
        parts.items.setAttribute("aria-busy", "false");
        return Promise.resolve();
      }
      parts.items.setAttribute("aria-busy", "true"); // until every part is in (tests wait for "false")
      parts.status.textContent = "Opening the " + (list.ids.length === 1 ? "section" : list.ids.length + " sections") + " of this list…";
      return env.sections.lookup(list.ids).then(function (entries) {
        if (run !== shown) return null;
        var today = env.sections.today(entries);
        var kept = list.ids.filter(function (id) { return today(id) !== ""; });
        var missing = list.ids.length - kept.length + list.dropped;
        var filling = [];
        kept.forEach(function (id, i) {
          // A short code shows as the id it stands for; an id as it was sent.
          var holder = item(i + 1, kept.length, id.charAt(0) === core.CODE_KEY ? today(id) || id : id);
          parts.items.appendChild(holder);
          var found = entries.get(id);
          if (found.status === "found") filling.push(fill(holder, found, i + 1));
          else holder.appendChild(make("p", { "class": "kb-rl-gone" },
            "This part could not be loaded just now. Check your connection, then reload this page."));
        });
        return Promise.all(filling).then(function () {
          if (run !== shown) return null;
          parts.status.textContent = (missing ? missingLine(missing, kept.length > 0) + " " : "")
            + (kept.length ? "This list has " + (kept.length === 1 ? "one part" : (WORDS[kept.length] || kept.length).toLowerCase() + " parts") + "." : "");
          // Sent on as it came: an opaque link stays opaque (and a list with a discreet page becomes so).
          return kept.length ? share({ ids: core.renamed(kept, today), note: list.note, opaque: list.opaque || undefined },
                                     env.sections.known(entries)) : null;
        }).then(function () {
          if (run === shown) parts.items.setAttribute("aria-busy", "false");
        });
      });
    }

    root.querySelector("[data-reading-list-print]").addEventListener("click", function () { window.print(); });
    window.addEventListener("hashchange", render);
    return render();
  }

  var list = { show: show, adopt: adopt };
  kb.list = list;
  if (typeof module === "object" && module.exports) module.exports = list;
})(typeof kbReadingList === "object" ? kbReadingList : {});
