"""The report's inline stylesheet and script, kept apart from the Python that fills the page.

No template engine: the page is assembled with ``string.Template`` (placeholders ``$name``), so
neither the CSS nor the script below may contain a dollar sign.
"""

CSS = """
:root { --ink:#1d2330; --muted:#5b6475; --line:#dfe3ea; --bg:#f6f7fb; --card:#fff; --accent:#2f6fde;
  --filler:#e8590c; --hedge:#9c36b5; --marker:#1c7ed6; --pause:#adb5bd; --uptalk:#f08c00; --repetition:#0c8599; --long:#e03131; --ok:#2b8a3e; --miss:#c92a2a; --interviewer:#2b8a3e; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin:0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--ink); background:var(--bg); }
main { max-width: 980px; margin: 0 auto; padding: 20px 16px 64px; }
h1 { font-size: 1.6rem; line-height:1.25; margin: 8px 0 4px; }
h2 { font-size: 1.25rem; margin: 0 0 8px; }
h3 { font-size: 1rem; margin: 20px 0 8px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.meta { color: var(--muted); font-size: .9rem; }
blockquote { margin: 12px 0; padding: 10px 14px; background: var(--card); border-left: 4px solid var(--accent); border-radius: 6px; }
section.card { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 16px; margin: 18px 0; box-shadow: 0 1px 2px rgba(0,0,0,.04); }
.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(120px, 1fr)); gap: 10px; }
.stat { background: var(--bg); border-radius: 10px; padding: 10px 12px; }
.stat b { display:block; font-size: 1.5rem; line-height: 1.2; }
.stat span { color: var(--muted); font-size: .82rem; }
.player { position: sticky; top: 0; z-index: 2; background: var(--card); padding: 8px 0; }
audio { width: 100%; }
.timeline { width: 100%; height: 150px; display:block; margin-top: 6px; cursor: pointer; }
.timeline .phase { opacity: .55; } .phase-0 { fill:#d0ebff; } .phase-1 { fill:#d3f9d8; } .phase-2 { fill:#fff3bf; }
.timeline text { font-size: 12px; fill: var(--muted); }
.timeline .lane { stroke: var(--line); stroke-width: 1; }
.timeline .dot.filler { fill: var(--filler); } .timeline .dot.hedge { fill: var(--hedge); } .timeline .dot.marker { fill: var(--marker); } .timeline .dot.uptalk { fill: var(--uptalk); } .timeline .dot.repetition { fill: var(--repetition); }
.timeline .pause { fill: var(--pause); } .timeline .pause.long { fill: var(--long); }
.timeline .playhead { stroke: var(--ink); stroke-width: 2; }
.legend { display:flex; flex-wrap:wrap; gap: 6px 14px; font-size:.85rem; color: var(--muted); margin: 6px 0; }
.legend i { display:inline-block; width:10px; height:10px; border-radius:50%; margin-right:5px; vertical-align:-1px; }
.transcript { line-height: 2; font-size: 1.02rem; }
.w { cursor: pointer; border-radius: 4px; padding: 1px 1px; }
.w:hover { background: #e7f0ff; }
.w.filler { background: #ffe8cc; color: #a23e00; }
.w.hedge { background: #f3d9fa; color: #7a1f91; }
.w.repetition { background: #c5f6fa; color: #0b7285; } .w.uptalk { border-bottom: 3px solid var(--uptalk); }
.w.marker { background: #d0ebff; color: #0b4f9c; font-weight: 600; }
.w.uncertain, .unsure-sample { text-decoration: underline wavy #e67700; text-underline-offset: 3px; font-style: italic; }
.ev .unsure, .warning { color: #a35200; }
.warning { background: #fff4e6; border-left: 4px solid #e67700; padding: 6px 10px; }
.w.now { outline: 2px solid var(--accent); background: #fff3bf; }
.gap { display:inline-block; font-size: .72rem; color: var(--muted); border: 1px dashed var(--pause); border-radius: 8px; padding: 0 5px; margin: 0 2px; line-height: 1.5; cursor:pointer; }
.gap.long { color: var(--long); border-color: var(--long); font-weight: 600; }
ul.rubric { list-style: none; padding: 0; margin: 0; }
ul.rubric li { padding: 8px 0; border-bottom: 1px solid var(--line); }
ul.rubric .mark { display:inline-block; width: 1.4em; font-weight: 700; }
ul.rubric .met .mark { color: var(--ok); } ul.rubric .missed .mark { color: var(--miss); }
ul.rubric .missed .name { color: var(--muted); }
button.ev { display:block; text-align:left; margin: 6px 0 0 1.4em; font: inherit; font-size:.92rem; background: var(--bg); border: 1px solid var(--line); border-radius: 8px; padding: 6px 10px; cursor: pointer; color: var(--ink); width: calc(100% - 1.4em); }
button.ev:hover { border-color: var(--accent); }
button.ev time { color: var(--accent); font-weight: 600; margin-right: 6px; }
ul.tips li { margin: 6px 0; }
.w.asked { color: var(--interviewer); border-bottom: 2px dotted var(--interviewer); }
.said { display:block; margin: 8px 0; padding: 6px 10px; background: #ebfbee; border-left: 4px solid var(--interviewer); border-radius: 6px; font-size: .95rem; line-height: 1.5; cursor: pointer; }
.said b { color: var(--interviewer); margin-right: 6px; } .said time { color: var(--muted); margin-right: 6px; font-size: .85rem; }
.timeline .said-span { fill: var(--interviewer); opacity: .7; }
ul.asking { list-style: none; padding: 0; margin: 0; }
ul.asking li { padding: 4px 0; } ul.asking button.ev { margin-left: 0; width: 100%; }
ul.asking .mark { display:inline-block; width: 1.4em; font-weight: 700; } ul.asking .met .mark { color: var(--ok); } ul.asking .missed .mark { color: var(--miss); }
.phases { font-size:.85rem; color: var(--muted); margin: 0; }
.problem { color: var(--miss); font-weight: 600; }
.trends { display:grid; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); gap: 12px; }
figure.trend { margin:0; } figure.trend svg { width:100%; height:auto; }
.trend-line { fill:none; stroke: var(--accent); stroke-width: 2.5; } .trend-dot { fill: var(--accent); } .axis { font-size: 12px; fill: var(--muted); }
table.hist { border-collapse: collapse; width: 100%; font-size: .9rem; } table.hist td, table.hist th { padding: 4px 6px; border-bottom: 1px solid var(--line); text-align: right; } table.hist td:first-child, table.hist th:first-child { text-align:left; }
table.moves { border-collapse: collapse; width: 100%; font-size: .9rem; } table.moves td, table.moves th { padding: 6px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; } table.moves .missed td:first-child { color: var(--miss); } table.moves .made td:first-child { color: var(--ok); } table.moves button.ev { margin: 0; width: 100%; }
.scroll { overflow-x: auto; }
@media (max-width: 600px) {
  body { font-size: 15px; } main { padding: 12px 10px 48px; } h1 { font-size: 1.3rem; }
  section.card { padding: 12px; border-radius: 10px; }
  .timeline { height: 120px; } .timeline text.lane-label, .timeline text.phase-label, .timeline text.tick { display: none; }
  .stat b { font-size: 1.25rem; }
}
"""

JS = """
(function () {
  function fmt(t) { var m = Math.floor(t / 60), s = Math.floor(t % 60); return m + ':' + (s < 10 ? '0' : '') + s; }
  document.querySelectorAll('section.answer').forEach(function (section) {
    var audio = section.querySelector('audio');
    var words = Array.prototype.slice.call(section.querySelectorAll('.w'));
    var starts = words.map(function (w) { return parseFloat(w.dataset.start); });
    var svg = section.querySelector('svg.timeline');
    var head = svg ? svg.querySelector('.playhead') : null;
    var duration = svg ? parseFloat(svg.dataset.duration) : 0;
    var current = null;
    function seek(t) {
      if (!audio) { return; }
      audio.currentTime = t;
      var p = audio.play();
      if (p && p.catch) { p.catch(function () {}); }
    }
    section.addEventListener('click', function (e) {
      var el = e.target.closest('[data-start]');
      if (el && section.contains(el)) { e.stopPropagation(); seek(parseFloat(el.dataset.start)); return; }
      if (svg && svg.contains(e.target) && duration > 0) {
        var box = svg.getBoundingClientRect();
        seek(Math.max(0, (e.clientX - box.left) / box.width) * duration);
      }
    });
    function mark() {
      if (!audio) { return; }
      var t = audio.currentTime, lo = 0, hi = starts.length - 1, found = -1;
      while (lo <= hi) { var mid = (lo + hi) >> 1; if (starts[mid] <= t) { found = mid; lo = mid + 1; } else { hi = mid - 1; } }
      var w = found >= 0 ? words[found] : null;
      if (w !== current) {
        if (current) { current.classList.remove('now'); }
        if (w) { w.classList.add('now'); }
        current = w;
      }
      if (head && duration > 0) {
        var x = 8 + 984 * Math.min(t, duration) / duration;
        head.setAttribute('x1', x); head.setAttribute('x2', x);
      }
    }
    if (audio) { audio.addEventListener('timeupdate', mark); audio.addEventListener('seeked', mark); }
  });
  document.querySelectorAll('time[data-t]').forEach(function (el) { el.textContent = fmt(parseFloat(el.dataset.t)); });
})();
"""
