/* Forwards from a moved page's old address, keeping or mapping the #section part. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kb-redirect-data").textContent);
  var id = "";
  // A fragment with broken encoding ("#%") names no section: it is kept as it is.
  try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { /* left alone */ }
  var to = data.to;
  if (location.hash && to.indexOf("#") < 0) to += location.hash;
  // Own names only: "#constructor" is not a section that moved.
  var moved = id && Object.prototype.hasOwnProperty.call(data.sections, id) ? data.sections[id] : null;
  location.replace(typeof moved === "string" ? moved : to);
})();
