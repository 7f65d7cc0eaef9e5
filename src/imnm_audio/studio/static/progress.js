// Follows a running job on its progress page (served from /static: the pages allow no inline script).
(function () {
  var lastTenth = -1;
  function tick() {
    fetch(document.getElementById("bar").dataset.status, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (j) {
      var bar = document.getElementById("bar");
      bar.max = 1000; bar.value = Math.round(1000 * j.fraction);
      var kept = j.phase === "Checking the audio" ? " kept from the last check)" : " from the cache)";
      var step = j.phases > 1 ? "Step " + j.phase_number + " of " + j.phases + ", " + j.phase.toLowerCase() + ": " : "";
      document.getElementById("detail").textContent = step + j.done + " of " + j.total + " done (" + j.from_cache + kept + (j.seconds_left ? ", about " + j.seconds_left + " s left" : "") + ".";
      var status = document.getElementById("status");
      var tenth = Math.floor(10 * j.fraction);
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
