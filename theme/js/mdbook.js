/* guidebook default theme: the parts of mdBook's page that guidebook renders too:
   sidebar fold toggles ([output.html.fold]) and the print page's print dialog. */
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest(".nav-fold-toggle");
    if (!button) return;
    var item = button.closest(".nav-chapter");
    var open = item.classList.toggle("expanded");
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
  if (document.body && document.body.classList.contains("page-print")) {
    // As mdBook's print page does: open the print dialog once the page is laid out.
    window.addEventListener("load", function () { window.setTimeout(window.print, 100); });
  }
})();
