/* 数据看板's charts, drawn with the vendored ECharts from /console/dashboard.json (the page's tables hold the same
   figures for readers without JavaScript). Each chart's box gets data-drawn="1" once ECharts reports it finished,
   which the browser test waits for. No inline script or style: the CSP forbids both, so tooltips render on the
   canvas (renderMode "richText") rather than as HTML with style attributes. */
(function () {
  "use strict";

  var perDayBox = document.getElementById("chart-per-day");
  if (!perDayBox || typeof window.echarts === "undefined") {
    return;
  }

  function draw(id, option) {
    var box = document.getElementById(id);
    if (!box) {
      return;
    }
    box.textContent = "";
    var chart = window.echarts.init(box, null, { renderer: "canvas" });
    chart.on("finished", function () {
      box.setAttribute("data-drawn", "1");
    });
    chart.setOption(option);
    window.addEventListener("resize", function () {
      chart.resize();
    });
  }

  function tooltip(trigger) {
    return { trigger: trigger, renderMode: "richText", confine: true };
  }

  function perDay(data) {
    return {
      tooltip: tooltip("axis"),
      legend: { type: "scroll", top: 0 },
      grid: { left: 40, right: 16, top: 40, bottom: 40 },
      xAxis: { type: "category", data: data.days },
      yAxis: { type: "value", minInterval: 1 },
      series: data.categories.map(function (category) {
        return { name: category.name, type: "bar", stack: "appeals", data: category.counts };
      })
    };
  }

  function pie(items) {
    return {
      tooltip: tooltip("item"),
      legend: { type: "scroll", bottom: 0 },
      series: [{ type: "pie", radius: ["35%", "65%"], data: items, label: { formatter: "{b}：{c}" } }]
    };
  }

  function bars(items) {
    return {
      tooltip: tooltip("axis"),
      grid: { left: 40, right: 16, top: 16, bottom: 30 },
      xAxis: { type: "category", data: items.map(function (item) { return item.name; }) },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", data: items.map(function (item) { return item.value; }) }]
    };
  }

  function failed() {
    document.querySelectorAll(".chart").forEach(function (box) {
      box.setAttribute("data-failed", "1");
    });
  }

  fetch(perDayBox.getAttribute("data-source"), { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("dashboard.json answered " + response.status);
      }
      return response.json();
    })
    .then(function (data) {
      draw("chart-per-day", perDay(data));
      draw("chart-channels", pie(data.channels));
      draw("chart-backlog", bars(data.backlog));
    })
    .catch(failed);
}());
