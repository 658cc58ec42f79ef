/// The style of the dashboard (the core's and each edge's site page) and the login page, served as `/assets/haetae.css` (a file of its
/// own, not inline, so the Content-Security-Policy needs no `'unsafe-inline'`).
public enum PageStyle {
    /// The `<head>` every page starts with: its icon and this style, nothing else.
    public static let head = #"""
<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Haetae 해태</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/haetae.css">
</head>
"""#

    /// The page's icon (`/favicon.svg`).
    public static let favicon = ##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><path d="M8 1 2 3v5c0 3.5 2.6 6 6 7 3.4-1 6-3.5 6-7V3z" fill="#58a6ff"/></svg>"##

    /// The Content-Security-Policy of every page answer: only the server's own scripts, styles
    /// and requests, never inside another site's frame.
    public static let contentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"

    /// The browser's safety headers on every page answer, at the core and at each edge: only
    /// the server's own content, never inside another site's frame, no MIME sniffing, no referrer
    /// to other sites. (Not `no-referrer`: with it a browser sends `Origin: null` on the page's own
    /// form posts, and the core's login could not tell them from a forged one.)
    public static let securityHeaders: [(name: String, value: String)] = [
        ("Content-Security-Policy", contentSecurityPolicy), ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"), ("X-Frame-Options", "DENY"), ("Cross-Origin-Opener-Policy", "same-origin"),
    ]

    public static let css = #"""
:root { --bg:#0f1720; --panel:#17212d; --line:#243142; --text:#e6edf3; --muted:#8b9bb0; --ok:#2ea043; --warn:#d29922; --crit:#f85149; --stale:#6e7681; --accent:#58a6ff; }
* { box-sizing: border-box; }
body { margin:0; font-family: system-ui, "Noto Sans KR", sans-serif; background:var(--bg); color:var(--text); }
header { display:flex; align-items:center; gap:12px; padding:10px 16px; background:var(--panel); border-bottom:1px solid var(--line); position:sticky; top:0; z-index:2; }
header h1 { font-size:18px; margin:0; }
header .spacer { flex:1; }
header .meta { color:var(--muted); font-size:13px; }
button { background:var(--line); color:var(--text); border:1px solid #33445a; border-radius:6px; padding:6px 10px; font-size:14px; cursor:pointer; }
main { display:grid; grid-template-columns: minmax(0,2fr) minmax(280px,1fr); gap:14px; padding:14px; }
@media (max-width: 900px) { main { grid-template-columns: 1fr; } }
section.panel { background:var(--panel); border:1px solid var(--line); border-radius:10px; padding:12px; }
h2 { font-size:15px; margin:0 0 10px; color:var(--muted); font-weight:600; }
.site { margin-bottom:14px; }
.site h3 { margin:4px 0 8px; font-size:16px; }
.line h4 { margin:8px 0 6px; font-size:13px; color:var(--muted); }
.devices { display:grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap:8px; }
.device { border-radius:8px; padding:8px; border:2px solid var(--ok); background:#111a24; cursor:pointer; min-height:64px; }
.device.warning { border-color:var(--warn); } .device.critical { border-color:var(--crit); background:#2a1315; } .device.stale { border-color:var(--stale); opacity:.75; }
.device.selected { outline:2px solid var(--accent); }
.edges { display:grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap:8px; margin-bottom:8px; }
.edge { border-radius:8px; padding:8px; border:2px solid var(--ok); background:#111a24; }
.edge.warning { border-color:var(--warn); } .edge.stale { border-color:var(--stale); opacity:.8; } .edge.down { border-color:var(--crit); background:#2a1315; } .edge.never { border-color:var(--stale); opacity:.6; }
.edge .name { font-weight:600; font-size:14px; } .edge .values { font-size:12px; color:var(--muted); margin-top:4px; line-height:1.4; }
.edge .problem { color:var(--warn); } .edge .spark { width:120px; height:24px; margin-top:4px; }
.edge .spark polyline { fill:none; stroke:var(--accent); stroke-width:1.5; }
.fleet-site h3 { margin:4px 0 6px; font-size:14px; }
.device .name { font-weight:600; font-size:14px; }
.device .values { font-size:12px; color:var(--muted); margin-top:4px; line-height:1.4; }
.device .seen { font-size:11px; color:var(--muted); margin-top:4px; } .device .seen.silent { color:var(--warn); }
.device .flag { display:inline-block; font-size:11px; margin:4px 4px 0 0; padding:0 4px; border-radius:4px; border:1px solid var(--warn); color:var(--warn); }
.line-pick { display:block; width:100%; text-align:left; margin:4px 0; }
.line-pick.warning { border-color:var(--warn); } .line-pick.critical { border-color:var(--crit); }
.alert { border-left:4px solid var(--warn); padding:6px 8px; margin-bottom:6px; background:#111a24; border-radius:4px; font-size:13px; }
.alert.critical { border-color:var(--crit); } .alert.info { border-color:var(--accent); } .alert.resolved { opacity:.6; border-color:var(--stale); }
.alert .when { color:var(--muted); font-size:12px; }
.alarm { font-size:12px; margin-top:3px; color:var(--muted); }
.alarm.unacknowledged, .alarm.returned { color:var(--text); font-weight:600; }
.actions { display:flex; flex-wrap:wrap; gap:6px; margin-top:6px; align-items:flex-start; }
.actions button, .suppression button { padding:3px 8px; font-size:12px; }
.actions details.shelve { font-size:12px; }
.actions details.shelve summary { cursor:pointer; color:var(--accent); }
.actions details.shelve select, .actions details.shelve input { margin:4px 4px 0 0; font-size:12px; padding:3px; background:#111a24; color:var(--text); border:1px solid #33445a; border-radius:4px; }
.kpi { font-size:12px; padding:3px 0; } .kpi.over { color:var(--warn); } .kpi.top { color:var(--muted); }
.suppression, .audit, .command { font-size:12px; padding:4px 0; border-bottom:1px solid var(--line); }
.suppression button { margin-left:6px; }
.banner { background:#2b2410; border:1px solid var(--warn); border-radius:6px; padding:6px 10px; font-size:13px; margin-bottom:10px; }
.unreachable-mark { color:var(--crit); font-size:12px; font-weight:600; margin-left:8px; }
.fleet-site.unreachable h3 { color:var(--crit); }
.edge .page-link, .fleet-site .page-link { font-size:12px; color:var(--accent); margin-right:8px; }
.notice { background:#2a1315; border:1px solid var(--crit); border-radius:6px; padding:6px 10px; font-size:13px; margin-bottom:10px; }
.charts { display:grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap:10px; }
.chart { background:#111a24; border-radius:8px; padding:8px; }
.chart .title { font-size:13px; color:var(--muted); margin-bottom:4px; }
.chart svg { width:100%; height:140px; display:block; }
.empty { color:var(--muted); font-size:13px; }
.error { color:var(--crit); font-size:13px; }
section.panel.stacked { margin-top:14px; }
[hidden] { display:none !important; }
.login { max-width:360px; margin:12vh auto 0; background:var(--panel); border:1px solid var(--line); border-radius:10px; padding:20px; }
.login h1 { font-size:20px; margin:0 0 14px; }
.login label { display:block; font-size:13px; color:var(--muted); margin:10px 0 4px; }
.login input { width:100%; padding:8px; font-size:15px; border-radius:6px; border:1px solid #33445a; background:#111a24; color:var(--text); }
.login .actions { display:flex; justify-content:space-between; align-items:center; margin-top:16px; }
.login .error { margin-top:10px; min-height:1em; }
"""#
}
