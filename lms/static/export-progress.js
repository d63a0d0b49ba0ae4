// Optional: reloads the export page once the job's JSON says it has ended, and moves the
// progress bar meanwhile. Without JavaScript the page's Refresh link does the same.
(function () {
  var box = document.getElementById("export-job");
  var bar = document.getElementById("export-progress");
  if (!box || !bar || !window.fetch) return;
  function poll() {
    fetch(box.getAttribute("data-status-url"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.status === "done" || s.status === "failed") { window.location.reload(); return; }
        if (s.rows_total) { bar.max = s.rows_total; bar.value = s.rows_done; }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 10000); });
  }
  window.setTimeout(poll, 2000);
})();
