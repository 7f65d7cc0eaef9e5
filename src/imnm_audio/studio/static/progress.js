// Follows a running job on its progress page (served from /static: the pages allow no inline script).
(function () {
  var lastTenth = -1;
  function tick() {
    fetch(document.getElementById("bar").dataset.status, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (j) {
      var bar = document.getElementById("bar");
      bar.max = j.total || 1; bar.value = j.done;
      document.getElementById("detail").textContent = j.done + " of " + j.total + " made (" + j.from_cache + " from the cache)" + (j.seconds_left ? ", about " + j.seconds_left + " s left" : "") + ".";
      var status = document.getElementById("status");
      var tenth = j.total ? Math.floor(10 * j.done / j.total) : 0;
      if (j.state === "waiting") {
        setTimeout(tick, 1000);
      } else if (j.state === "running") {
        if (tenth !== lastTenth) { status.textContent = "Working: " + (tenth * 10) + " per cent."; lastTenth = tenth; }
        setTimeout(tick, 1000);
      } else if (j.state === "done") {
        status.textContent = "Finished: " + j.message;
      } else {
        status.textContent = "It stopped: " + j.message;
      }
    });
  }
  setTimeout(tick, 1000);
})();
