// Draws the dashboard charts from the JSON embedded by the page (no network requests, ECharts is vendored).
(function () {
  "use strict";
  function ready(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }
  ready(function () {
    var form = document.querySelector(".period-form");
    if (form) {
      var sel = form.querySelector("select[name=period]");
      var sync = function () { form.classList.toggle("is-custom", sel.value === "custom"); };
      sel.addEventListener("change", sync); sync();
    }
    var node = document.getElementById("chart-data");
    if (!node || !window.echarts) return;
    var data = JSON.parse(node.textContent);
    var palette = ["#b42318", "#175cd3", "#067647", "#b54708", "#6941c6", "#0e9384", "#c11574", "#475467"];
    var base = { color: palette, textStyle: { fontFamily: "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif" },
                 tooltip: { trigger: "axis", confine: true }, grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true } };
    function pie(rows) {
      return Object.assign({}, base, { tooltip: { trigger: "item", confine: true, formatter: "{b}：{c}件（{d}%）" },
        legend: { type: "scroll", bottom: 0 },
        series: [{ type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"], data: rows, label: { formatter: "{b}\n{d}%" } }] });
    }
    var builders = {
      trend: function (rows) {
        return Object.assign({}, base, { legend: { top: 0 },
          xAxis: { type: "category", data: rows.map(function (r) { return r.label; }) }, yAxis: { type: "value", minInterval: 1 },
          series: [["received", "受理办件"], ["on_spot", "当场办结"], ["routed", "流转办理"], ["finished", "流转办结"]].map(function (s) {
            return { name: s[1], type: "line", smooth: false, symbolSize: 5, data: rows.map(function (r) { return r[s[0]]; }) }; }) });
      },
      category: pie,
      channel: pie,
      ranking: function (rows) {
        return Object.assign({}, base, { legend: { top: 0 }, tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true },
          xAxis: { type: "value", minInterval: 1 }, yAxis: { type: "category", data: rows.map(function (r) { return r.name; }) },
          series: [["on_spot", "当场办结"], ["routed", "流转办理"]].map(function (s) {
            return { name: s[1], type: "bar", stack: "all", data: rows.map(function (r) { return r[s[0]]; }) }; }) });
      },
      programs: function (rows) {
        return Object.assign({}, base, { legend: { top: 0 }, tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true },
          xAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: { interval: 0, rotate: 30 } },
          yAxis: { type: "value", minInterval: 1 },
          series: [["applications", "申请受理"], ["approved", "审核确认"], ["refused", "不予批准"]].map(function (s) {
            return { name: s[1], type: "bar", data: rows.map(function (r) { return r[s[0]]; }) }; }) });
      },
      items: function (rows) {
        return Object.assign({}, base, { tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true },
          xAxis: { type: "value", minInterval: 1 }, yAxis: { type: "category", data: rows.map(function (r) { return r.name; }),
          axisLabel: { width: 140, overflow: "truncate" } },
          series: [{ name: "受理办件", type: "bar", data: rows.map(function (r) { return r.value; }) }] });
      }
    };
    var charts = [];
    document.querySelectorAll(".chart[data-chart]").forEach(function (el) {
      var key = el.getAttribute("data-chart");
      if (!builders[key] || !data[key]) return;
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(builders[key](data[key]));
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  });
})();
