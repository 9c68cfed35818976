// A notice's page: keep its progress bar and counts live by polling progress.json (no inline script: the URL
// is the data-progress-url of #notice-progress). Once every recipient is settled data-done="1" is put on the bar
// (a headless-browser test waits for that), and the polling stops; the bar stays at the percentage the server
// gives: 100 for a notice sent to the end, what went out before it was cancelled for a cancelled one.
(function () {
  "use strict";
  var EVERY_MS = 2000;

  function show(box, data) {
    var bar = document.getElementById("progress-bar");
    bar.value = data.percent;
    bar.textContent = bar.value + "%";
    document.getElementById("progress-percent").textContent = String(bar.value);
    document.getElementById("progress-state").textContent = data.state_name;
    box.querySelectorAll("[data-count]").forEach(function (cell) {
      var key = cell.getAttribute("data-count");
      if (Object.prototype.hasOwnProperty.call(data, key)) {
        cell.textContent = String(data[key]);
      }
    });
    var cancel = document.getElementById("notice-cancel");
    if (cancel && !data.cancellable) {
      cancel.hidden = true;
    }
    if (data.done) {
      bar.setAttribute("data-done", "1");
      box.setAttribute("data-done", "1");
      // The recipients' table below was drawn before the outcomes came: offer the page again.
      var refresh = document.getElementById("progress-refresh");
      if (refresh) {
        refresh.hidden = false;
      }
    }
  }

  function poll(box) {
    var url = box.getAttribute("data-progress-url");
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (response.status === 401) {
          return null;  // the login has ended: stop, and the operator's next click says so
        }
        if (!response.ok) {
          throw new Error("progress " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (data === null) {
          return;
        }
        show(box, data);
        if (!data.done) {
          window.setTimeout(function () { poll(box); }, EVERY_MS);
        }
      })
      .catch(function () {
        // A lost connection or an expired login: try again later; the page itself still shows the last counts.
        window.setTimeout(function () { poll(box); }, EVERY_MS * 5);
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("notice-progress");
    if (box && box.getAttribute("data-done") !== "1") {
      window.setTimeout(function () { poll(box); }, EVERY_MS);
    }
  });
})();
