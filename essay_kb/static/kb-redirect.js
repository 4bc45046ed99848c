/* Forwards from a moved page's old address, keeping or mapping the #section part. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kb-redirect-data").textContent);
  var id = decodeURIComponent(location.hash.slice(1));
  var to = data.to;
  if (location.hash && to.indexOf("#") < 0) to += location.hash;
  location.replace((id && data.sections[id]) || to);
})();
