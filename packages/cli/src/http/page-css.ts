/** the status page's style: one column that fits a phone, the table becomes cards below 700px */
export const PAGE_CSS = `:root { color-scheme: light dark; --muted: #777; --line: #8884; --ok: #1a7f37; --bad: #b42318; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 12px; font: 15px/1.4 system-ui, sans-serif; }
header { display: flex; align-items: center; gap: 12px; }
h1 { font-size: 1.3rem; margin: 0; }
h2 { font-size: 1rem; margin: 18px 0 6px; }
code { font: 13px ui-monospace, monospace; overflow-wrap: anywhere; }
button { font: inherit; font-size: 13px; padding: 2px 10px; border: 1px solid var(--line); border-radius: 6px; background: none; color: inherit; cursor: pointer; }
.badge { padding: 1px 8px; border-radius: 10px; font-size: 12px; color: #fff; background: var(--ok); }
.badge.off { background: var(--bad); }
.line { display: flex; align-items: flex-start; gap: 8px; }
.line code { flex: 1; }
.addresses { list-style: none; padding: 0; margin: 0; }
.addresses li { padding: 6px 0; border-bottom: 1px solid var(--line); }
.addresses img { display: block; width: min(260px, 70vw); margin: 8px 0; image-rendering: pixelated; }
.counts { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 8px; margin-top: 18px; }
.counts div { border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px; }
.counts b { display: block; font-size: 1.5rem; }
.counts small { color: var(--muted); margin-left: 4px; }
table { width: 100%; border-collapse: collapse; font-size: 13px; }
th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid var(--line); vertical-align: top; }
td code { font-size: 12px; }
.relayed { color: #b54708; }
footer { margin-top: 24px; color: var(--muted); display: flex; gap: 16px; }
footer a { color: inherit; }
@media (max-width: 700px) {
  thead { display: none; }
  table, tbody, tr, td { display: block; }
  tr { border: 1px solid var(--line); border-radius: 8px; margin-bottom: 8px; padding: 4px; }
  td { border: none; padding: 2px 6px; }
  td::before { content: attr(data-label) ": "; color: var(--muted); }
}
`
