/// The dashboard's script, served as `/assets/dashboard.js` by the core and by each edge (see
/// ``DashboardPage``). It reads the page's scope from `<body data-scope>` and draws the panels the
/// page has. With accounts (the core) it shows who is logged in, logs out with the session's CSRF
/// token, and goes back to the login page when the session has ended. On the core's page a site
/// none of whose edges reports is marked unreachable, with links to its edges' own pages; on an
/// edge's page a banner says whether the core takes its data.
public enum DashboardScript {
    public static let javascript = #"""
"use strict";
const TEXT = {
  en: { sites: "Sites, lines and devices", history: "History (last 15 minutes)", active: "Active alerts", recent: "Recent alerts",
        noAlerts: "No active alerts", noRecent: "No alerts yet", noData: "No data yet", pick: "Select a device to see its history",
        updated: "Updated", line: "Line", devices: "devices", alerting: "alerting", lang: "한국어", firing: "firing", resolved: "resolved", since: "since", stale: "no data", by: "raised by",
        error: "Cannot reach the core", logout: "Log out", accounts: "Accounts", sessions: "sessions",
        unacknowledged: "Unacknowledged", acknowledged: "Acknowledged", returned: "Cleared, unacknowledged", normal: "Cleared",
        ackBy: "by", ack: "Acknowledge", shelve: "Shelve…", shelveNow: "Shelve", unshelve: "Unshelve", shelvedUntil: "shelved until",
        outOfService: "out of service", takeOut: "Device out of service", returnToService: "Return to service", reason: "Why (required)",
        suppressions: "Shelved and out of service", noSuppressions: "Nothing shelved or out of service", audit: "Alarm log", noAudit: "No actions yet", commands: "Stop commands", noCommands: "No stop commands sent",
        system: "System: sites, edges", noEdges: "No edge has reported", health: { ok: "ok", warning: "warning", stale: "stale", down: "down", never: "never reported" },
        ingest: "in", forward: "out", spool: "spool", backlog: "backlog", fullIn: "full in", drainIn: "drains in", perSecond: "/s",
        lastSeen: "last seen", silentSince: "silent since", clockOff: "clock off", missing: "messages missing",
        unreachable: "unreachable: no edge reports", sitePage: "site page", errorSite: "Cannot reach this edge",
        siteView: "Site page of edge", fromOwnData: "from its own data", coreUnreachable: "the core has not taken its data since",
        coreReachable: "the core takes its data", forwardOff: "forwarding to the core is off", waiting: "readings waiting",
        silenced: "not notified", kpis: "Alarm performance (24 h)", kpiLast: "last 10 min", kpiAvg: "avg per 10 min", kpiPeak: "peak",
        kpiStanding: "standing", kpiStale: "stale (> 24 h)", kpiUnack: "unacknowledged", kpiChatter: "chattering", kpiTop: "Most frequent", actions: { acknowledge: "acknowledged", shelve: "shelved", unshelve: "unshelved", out_of_service: "took out of service", return_to_service: "returned to service", stop_command: "stop command" } },
  ko: { sites: "사이트 · 라인 · 장비", history: "최근 15분 추이", active: "현재 경보", recent: "최근 경보",
        noAlerts: "현재 경보 없음", noRecent: "경보 기록 없음", noData: "데이터 없음", pick: "장비를 선택하면 추이가 표시됩니다",
        updated: "갱신", line: "라인", devices: "대", alerting: "경보", lang: "English", firing: "발생", resolved: "해제", since: "부터", stale: "수신 없음", by: "감지",
        error: "코어에 연결할 수 없습니다", logout: "로그아웃", accounts: "계정", sessions: "세션",
        unacknowledged: "미확인", acknowledged: "확인됨", returned: "해제됨 · 미확인", normal: "해제됨",
        ackBy: "확인자", ack: "확인", shelve: "보류…", shelveNow: "보류", unshelve: "보류 해제", shelvedUntil: "보류 종료",
        outOfService: "정비 중", takeOut: "장비 정비 중으로", returnToService: "정비 완료", reason: "사유 (필수)",
        suppressions: "보류 · 정비 중", noSuppressions: "보류 · 정비 중인 항목 없음", audit: "경보 조치 기록", noAudit: "조치 기록 없음", commands: "정지 명령", noCommands: "보낸 정지 명령 없음",
        system: "시스템: 사이트 · 엣지", noEdges: "보고한 엣지 없음", health: { ok: "정상", warning: "주의", stale: "지연", down: "중단", never: "보고 없음" },
        ingest: "수신", forward: "전송", spool: "스풀", backlog: "대기", fullIn: "가득 참까지", drainIn: "전송 완료까지", perSecond: "/초",
        lastSeen: "최근 수신", silentSince: "수신 없음, 마지막", clockOff: "시계 오차", missing: "누락 메시지",
        unreachable: "연결 끊김: 보고하는 엣지 없음", sitePage: "사이트 화면", errorSite: "이 엣지에 연결할 수 없습니다",
        siteView: "엣지의 사이트 화면:", fromOwnData: "자체 데이터", coreUnreachable: "코어 전송 중단, 마지막 성공",
        coreReachable: "코어 전송 정상", forwardOff: "코어 전송 꺼짐", waiting: "대기 중인 측정값",
        silenced: "알림 안 함", kpis: "경보 성능 (24시간)", kpiLast: "최근 10분", kpiAvg: "10분 평균", kpiPeak: "최대",
        kpiStanding: "지속", kpiStale: "장기 (24시간 초과)", kpiUnack: "미확인", kpiChatter: "반복 발생", kpiTop: "자주 발생", actions: { acknowledge: "확인", shelve: "보류", unshelve: "보류 해제", out_of_service: "정비 중으로 지정", return_to_service: "정비 완료", stop_command: "정지 명령" } },
};
// "core": every site (the core's page); "site": one edge's page for its own site, from its own data.
const SCOPE = document.body.dataset.scope || "core";
let lang = localStorage.getItem("haetae.lang") || "ko";
let selected = localStorage.getItem("haetae.device") || "";
// A large plant shows one line's devices at a time (the others as one button each); a small one
// shows every line in full.
let openLine = localStorage.getItem("haetae.line") || "";
const SMALL_PLANT_DEVICES = 200;
// A token from an earlier version (it was taken from the address) is forgotten: the page now
// reads with its session cookie, or from the core's own machine.
localStorage.removeItem("haetae.token");
// With accounts: who is logged in, and the token every state-changing request sends back (CSRF).
let session = null;
const t = key => TEXT[lang][key] || key;
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) { if (k === "class") node.className = v; else if (k.startsWith("data-")) node.setAttribute(k, v); else node[k] = v; }
  for (const child of children) node.append(child);
  return node;
};
async function api(path) {
  const response = await fetch(path, { credentials: "same-origin" });
  // The session ended (logout elsewhere, expiry, a new password): log in again.
  if (response.status === 401 && session) { location.assign("/login?expired=1"); throw new Error("session ended"); }
  if (!response.ok) throw new Error(path + ": " + response.status);
  return response.json();
}
async function loadSession() {
  if (SCOPE !== "core") return;
  const response = await fetch("/api/v1/session", { credentials: "same-origin" });
  if (!response.ok) return;
  const answer = await response.json();
  if (!answer.accounts) return;
  session = answer;
  const who = document.getElementById("who");
  who.textContent = session.user + " · " + session.role;
  who.hidden = false;
  document.getElementById("logout").hidden = false;
}
// Admins see the accounts (names, roles, live sessions; never a password).
async function drawAccounts() {
  if (!session || session.role !== "admin" || !document.getElementById("accounts")) return;
  const list = await api("/api/v1/users");
  document.getElementById("accounts").replaceChildren(...list.users.map(u =>
    el("div", { class: "account", "data-account": u.name }, u.name + " · " + u.role + " · " + u.sessions + " " + t("sessions"))));
  document.getElementById("accounts-panel").hidden = false;
}
document.getElementById("logout").addEventListener("click", async () => {
  await fetch("/logout", { method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": session ? session.csrf_token : "" } });
  location.assign("/login");
});
function time(ms) { return new Date(ms).toLocaleTimeString(lang === "ko" ? "ko-KR" : "en-GB"); }
function applyLanguage() {
  document.documentElement.lang = lang;
  document.querySelectorAll("[data-i18n]").forEach(node => { node.textContent = t(node.getAttribute("data-i18n")); });
  document.getElementById("lang").textContent = TEXT[lang].lang;
}
document.getElementById("lang").addEventListener("click", () => {
  lang = lang === "ko" ? "en" : "ko";
  localStorage.setItem("haetae.lang", lang);
  applyLanguage();
  refresh();
});
// Edge replicas of one site split the stream, so each raises its own alert for a hazard both
// see: one hazard, one entry, naming every edge that raised it (same site, line, device,
// sensor, rule and state, started within 10 s of each other).
function fold(alerts) {
  const out = [];
  for (const a of alerts) {
    const key = [a.site, a.line, a.device, a.sensor, a.rule, a.status].join("|");
    const started = new Date(a.started_at).getTime();
    const twin = out.find(o => o.key === key && Math.abs(o.started - started) <= 10000);
    if (twin) { if (a.edge && !twin.edges.includes(a.edge)) twin.edges.push(a.edge); continue; }
    out.push({ ...a, key, started, edges: a.edge ? [a.edge] : [] });
  }
  for (const a of out) a.edges.sort();
  return out;
}
// Operators and admins act on alarms; viewers see the state only.
function canAct() { return session !== null && (session.role === "operator" || session.role === "admin"); }
async function act(body) {
  const response = await fetch("/api/v1/alarms/actions", { method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": session ? session.csrf_token : "" }, body: JSON.stringify(body) });
  const answer = await response.json().catch(() => ({}));
  const notice = document.getElementById("notice");
  notice.textContent = response.ok ? "" : ((answer.error && answer.error.message) || String(response.status));
  notice.hidden = response.ok;
  await refresh(true);
}
function button(label, attrs, onClick) {
  const node = el("button", { type: "button", ...attrs }, label);
  node.addEventListener("click", onClick);
  return node;
}
function alarmState(a) {
  const alarm = a.alarm || { state: a.status === "resolved" ? "normal" : "unacknowledged" };
  const parts = [t(alarm.state)];
  if (alarm.acknowledged_by) parts.push(t("ackBy") + " " + alarm.acknowledged_by + " " + time(new Date(alarm.acknowledged_at).getTime()) + (alarm.comment ? " — " + alarm.comment : ""));
  if (alarm.shelved_until) parts.push(t("shelvedUntil") + " " + new Date(alarm.shelved_until).toLocaleString(lang === "ko" ? "ko-KR" : "en-GB"));
  if (alarm.out_of_service) parts.push(t("outOfService"));
  if (a.annotations && a.annotations.silenced) parts.push(t("silenced"));
  return el("div", { class: "alarm " + alarm.state, "data-alarm-state": alarm.state }, parts.join(" · "));
}
function alarmActions(a) {
  if (!canAct() || !a.alarm) return [];
  const point = { rule: a.rule, site: a.site, line: a.line, device: a.device, sensor: a.sensor || "" };
  const out = [];
  if (!a.alarm.acknowledged_by) out.push(button(t("ack"), { "data-act": "acknowledge" }, () => act({ action: "acknowledge", alert_id: a.alert_id })));
  if (a.alarm.shelved_until) out.push(button(t("unshelve"), { "data-act": "unshelve" }, () => act({ action: "unshelve", ...point })));
  else {
    const duration = el("select", { "data-shelve-for": "" }, ...["1h", "8h", "24h", "7d"].map(d => el("option", { value: d }, d)));
    const comment = el("input", { type: "text", placeholder: t("reason"), maxLength: 1000, "data-shelve-comment": "" });
    const form = el("details", { class: "shelve" }, el("summary", {}, t("shelve")), duration, comment,
      button(t("shelveNow"), { "data-act": "shelve" }, () => act({ action: "shelve", ...point, for: duration.value, comment: comment.value })));
    if (a.line && a.device && !a.alarm.out_of_service) {
      form.append(button(t("takeOut"), { "data-act": "out_of_service" },
        () => act({ action: "out_of_service", site: a.site, line: a.line, device: a.device, comment: comment.value })));
    }
    out.push(form);
  }
  return [el("div", { class: "actions" }, ...out)];
}
function alertNode(a) {
  const state = a.status === "resolved" ? "resolved" : a.severity;
  const where = [a.site, a.line, a.device, a.sensor].filter(Boolean).join(" / ");
  const summary = (a.annotations && a.annotations.summary) || (a.rule + " " + (a.value ?? ""));
  const when = (a.status === "resolved" ? t("resolved") : t("firing")) + " · " + new Date(a.started_at).toLocaleString(lang === "ko" ? "ko-KR" : "en-GB");
  return el("div", { class: "alert " + state, "data-alert": a.alert_id, "data-edges": a.edges.join(" ") },
    el("div", {}, el("b", {}, a.rule), " · " + where),
    el("div", {}, summary),
    el("div", { class: "when" }, when + (a.edges.length > 1 ? " · " + t("by") + " " + a.edges.join(", ") : "")),
    alarmState(a), ...alarmActions(a));
}
// What is shelved or out of service, per site, with the way back for operators.
async function drawSuppressions() {
  if (!document.getElementById("suppressions")) return;
  const list = await api("/api/v1/suppressions");
  const rows = [];
  {
    for (const s of list.shelves) {
      const where = [s.site, s.line, s.device, s.sensor].filter(Boolean).join(" / ");
      rows.push(el("div", { class: "suppression", "data-shelf": where + " " + s.rule },
        el("b", {}, s.rule), " · " + where + " · " + t("shelvedUntil") + " " + new Date(s.until).toLocaleString(lang === "ko" ? "ko-KR" : "en-GB") + " · " + s.by + " — " + s.comment,
        ...(canAct() ? [button(t("unshelve"), { "data-act": "unshelve" }, () => act({ action: "unshelve", rule: s.rule, site: s.site, line: s.line, device: s.device, sensor: s.sensor }))] : [])));
    }
    for (const o of list.out_of_service) {
      const where = [o.site, o.line, o.device].filter(Boolean).join(" / ");
      rows.push(el("div", { class: "suppression", "data-out-of-service": where },
        el("b", {}, t("outOfService")), " · " + where + " · " + o.by + " — " + o.comment,
        ...(canAct() ? [button(t("returnToService"), { "data-act": "return_to_service" }, () => act({ action: "return_to_service", site: o.site, line: o.line, device: o.device }))] : [])));
    }
  }
  document.getElementById("suppressions").replaceChildren(...(rows.length ? rows : [el("div", { class: "empty" }, t("noSuppressions"))]));
}
// EEMUA 191 figures per site: a rate above 1 per 10 minutes on average, or more than 10 in 10
// minutes (a flood), is marked.
async function drawKPIs() {
  if (!document.getElementById("kpis")) return;
  const kpis = await api("/api/v1/alarms/kpis");
  const rows = kpis.sites.map(s => el("div", { class: "kpi" + (s.avg_per_10m > 1 || s.peak_10m > 10 ? " over" : ""), "data-kpi-site": s.site },
    el("b", {}, s.site), " · " + t("kpiLast") + " " + s.last_10m + " · " + t("kpiAvg") + " " + s.avg_per_10m.toFixed(2) + " · " + t("kpiPeak") + " " + s.peak_10m +
    " · " + t("kpiStanding") + " " + s.standing + " · " + t("kpiStale") + " " + s.stale + " · " + t("kpiUnack") + " " + s.unacknowledged +
    " · " + t("kpiChatter") + " " + s.chattering));
  const top = kpis.top.slice(0, 5).map(p => el("div", { class: "kpi top", "data-kpi-top": p.rule }, p.count + "× " + p.rule + " · " + [p.site, p.line, p.device, p.sensor].filter(Boolean).join(" / ")));
  document.getElementById("kpis").replaceChildren(...(rows.length ? rows : [el("div", { class: "empty" }, t("noAlerts"))]),
    ...(top.length ? [el("div", { class: "when" }, t("kpiTop")), ...top] : []));
}
// The system itself: each site's edges, coloured by how the core judges them, with their
// figures and the trend of their ingest rate (one point per status report).
function sparkline(values) {
  const width = 120, height = 24, max = Math.max(1, ...values);
  const points = values.map((v, i) => (values.length < 2 ? 0 : i * width / (values.length - 1)).toFixed(1) + "," + (height - (v || 0) * height / max).toFixed(1)).join(" ");
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 " + width + " " + height); svg.setAttribute("class", "spark");
  const line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
  line.setAttribute("points", points);
  svg.appendChild(line);
  return svg;
}
function seconds(s) { return s == null ? "" : s < 120 ? Math.round(s) + " s" : s < 7200 ? Math.round(s / 60) + " min" : Math.round(s / 3600) + " h"; }
// A site whose edges all stopped reporting (stale or down; none reporting): what the core shows
// of it is old. Edges that never reported say nothing either way.
function unreachableSites(fleet) {
  const bySite = {};
  for (const edge of fleet.edges) (bySite[edge.site] = bySite[edge.site] || []).push(edge);
  return new Set(Object.keys(bySite).filter(site => bySite[site].some(e => e.health === "stale" || e.health === "down")
    && !bySite[site].some(e => e.health === "ok" || e.health === "warning")));
}
// An edge's own page, when it reported one (only http and https addresses become links).
function pageLink(edge) {
  const url = edge.status && edge.status.page_url;
  if (!url || !/^https?:\/\//.test(url)) return [];
  return [el("a", { class: "page-link", href: url, target: "_blank", rel: "noopener", "data-page-link": edge.edge }, t("sitePage") + " · " + edge.edge + " ↗")];
}
// On an edge's page: whose page this is, and whether the core takes its data.
function drawBanner(fleet) {
  const banner = document.getElementById("banner");
  if (SCOPE !== "site" || !fleet.core) { banner.hidden = true; return; }
  const me = fleet.edges[0] ? fleet.edges[0].edge : "";
  const core = fleet.core;
  let state = t("coreReachable");
  if (core.state === "off") state = t("forwardOff");
  if (core.state === "unreachable") state = t("coreUnreachable") + " " + (core.since ? time(Date.parse(core.since)) : "—") + (core.detail ? " (" + core.detail + ")" : "");
  const waiting = fleet.edges[0] && fleet.edges[0].status ? " · " + t("waiting") + " " + fleet.edges[0].status.backlog_readings : "";
  banner.replaceChildren(el("b", {}, t("siteView") + " " + me), " " + t("fromOwnData") + " · ", el("span", { "data-core-state": core.state }, state), waiting);
  banner.hidden = false;
}
async function drawSystem(fleet) {
  drawBanner(fleet);
  const bySite = {};
  for (const edge of fleet.edges) (bySite[edge.site] = bySite[edge.site] || []).push(edge);
  const unreachable = unreachableSites(fleet);
  const root = document.getElementById("system");
  if (!fleet.edges.length) { root.replaceChildren(el("div", { class: "empty" }, t("noEdges"))); return; }
  root.replaceChildren(...Object.keys(bySite).sort().map(site => el("div", { class: "fleet-site" + (unreachable.has(site) ? " unreachable" : ""), "data-fleet-site": site, "data-reachable": unreachable.has(site) ? "false" : "true" },
    el("h3", {}, site || "—", ...(unreachable.has(site) ? [el("span", { class: "unreachable-mark" }, t("unreachable"))] : [])),
    el("div", { class: "edges" }, ...bySite[site].map(edge => {
      const s = edge.status;
      const figures = s ? [
        t("ingest") + " " + Math.round(s.ingest_rate) + t("perSecond") + " · " + t("forward") + " " + Math.round(s.forward_rate) + t("perSecond"),
        t("spool") + " " + (s.spool_capacity_bytes ? Math.round(100 * s.spool_bytes / s.spool_capacity_bytes) + "%" : Math.round(s.spool_bytes / 1048576) + " MiB")
          + (s.spool_full_seconds != null ? " · " + t("fullIn") + " " + seconds(s.spool_full_seconds) : ""),
        t("backlog") + " " + s.backlog_readings + (s.backlog_drain_seconds != null ? " · " + t("drainIn") + " " + seconds(s.backlog_drain_seconds) : ""),
        s.role + " · " + s.version + (s.rules_version ? " · rules " + s.rules_version.slice(0, 7) : ""),
      ] : [];
      return el("div", { class: "edge " + edge.health, "data-edge": edge.edge, "data-health": edge.health },
        el("div", { class: "name" }, edge.edge + " · " + (TEXT[lang].health[edge.health] || edge.health)),
        el("div", { class: "values" }, ...figures.map(f => el("div", {}, f)), ...edge.problems.map(p => el("div", { class: "problem" }, p))),
        ...(SCOPE === "core" ? pageLink(edge) : []),
        ...(edge.trend ? [sparkline(edge.trend.ingest_rate)] : []));
    })))));
}

// Who did what to which alarm, and the stop commands the edges sent with what became of them
// (apart, so a flood of commands never pushes the operators' actions off the page); newest first.
async function drawAudit() {
  if (!document.getElementById("audit")) return;
  const [actions, commands] = await Promise.all([
    api("/api/v1/alarms/audit?kind=actions&limit=20"), api("/api/v1/alarms/audit?kind=commands&limit=20")]);
  const line = (e, cls, attr) => el("div", { class: cls, [attr]: e.action },
    time(new Date(e.at).getTime()) + " · " + e.by + " " + (TEXT[lang].actions[e.action] || e.action) + " · " +
    [e.rule, e.site, e.line, e.device, e.sensor].filter(Boolean).join(" / ") + (e.comment ? " — " + e.comment : ""));
  document.getElementById("audit").replaceChildren(...(actions.entries.length ? actions.entries.map(e => line(e, "audit", "data-audit"))
    : [el("div", { class: "empty" }, t("noAudit"))]));
  document.getElementById("commands").replaceChildren(...(commands.entries.length ? commands.entries.map(e => line(e, "command", "data-command"))
    : [el("div", { class: "empty" }, t("noCommands"))]));
}
function chart(series, points) {
  const box = el("div", { class: "chart", "data-series": String(series.id) });
  box.append(el("div", { class: "title" }, series.sensor + (series.unit ? " (" + series.unit + ")" : "")));
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 300 140");
  svg.setAttribute("data-points", String(points.length));
  if (points.length > 0) {
    const xs = points.map(p => p[0]), ys = points.map(p => p[1]);
    const x0 = Math.min(...xs), x1 = Math.max(...xs), y0 = Math.min(...ys), y1 = Math.max(...ys);
    const sx = x => 30 + (x1 > x0 ? (x - x0) / (x1 - x0) : 0.5) * 265;
    const sy = y => 125 - (y1 > y0 ? (y - y0) / (y1 - y0) : 0.5) * 115;
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", points.map((p, i) => (i ? "L" : "M") + sx(p[0]).toFixed(1) + " " + sy(p[1]).toFixed(1)).join(" "));
    path.setAttribute("fill", "none"); path.setAttribute("stroke", "#58a6ff"); path.setAttribute("stroke-width", "1.5");
    svg.append(path);
    for (const [y, label] of [[10, y1], [125, y0]]) {
      const text = document.createElementNS(ns, "text");
      text.setAttribute("x", "0"); text.setAttribute("y", String(y + 4)); text.setAttribute("fill", "#8b9bb0"); text.setAttribute("font-size", "10");
      text.textContent = Number(label).toFixed(1);
      svg.append(text);
    }
  }
  box.append(svg);
  return box;
}
async function drawCharts(series) {
  const charts = document.getElementById("charts");
  const mine = series.filter(s => s.site + "/" + s.line + "/" + s.device === selected);
  document.getElementById("charts-title").textContent = t("history") + (selected ? " — " + selected : "");
  if (!selected || mine.length === 0) { charts.replaceChildren(el("div", { class: "empty" }, t("pick"))); return; }
  const to = Date.now(), from = to - 15 * 60 * 1000;
  const nodes = await Promise.all(mine.map(async s => {
    const last = Math.max(s.last_ts + 1, to);
    const start = Math.min(from, s.last_ts - 15 * 60 * 1000);
    const step = Math.max(1000, Math.floor((last - start) / 200));
    const data = await api(`/api/v1/readings?series=${s.id}&from=${start}&to=${last}&step=${step}&agg=avg`);
    return chart(s, data.points);
  }));
  charts.replaceChildren(...nodes);
}
// Every site, line and device, page by page, merged by name.
async function allSites() {
  const sites = [], byName = {};
  let cursor = null;
  do {
    const page = await api("/api/v1/sites" + (cursor === null ? "" : "?cursor=" + encodeURIComponent(cursor)));
    for (const site of page.sites) {
      let known = byName[site.name];
      if (!known) { known = byName[site.name] = { name: site.name, last_ts: site.last_ts, lines: [] }; sites.push(known); }
      for (const line of site.lines) {
        const same = known.lines.find(l => l.name === line.name);
        if (same) same.devices = same.devices.concat(line.devices); else known.lines.push(line);
      }
    }
    cursor = page.next_cursor ?? null;
  } while (cursor !== null);
  return { sites };
}
// Every series of one line, page by page.
async function lineSeries(site, line) {
  let out = [], after = null;
  do {
    const page = await api(`/api/v1/series?site=${encodeURIComponent(site)}&line=${encodeURIComponent(line)}` + (after === null ? "" : `&after=${after}`));
    out = out.concat(page.series);
    after = page.next_after ?? null;
  } while (after !== null);
  return out;
}
function openLineKey(key) { openLine = key; localStorage.setItem("haetae.line", key); }
// `force`: right after an action. Otherwise an alarm form being filled in (an open shelve
// form, a focused field) is not redrawn under the operator's hands.
async function refresh(force = false) {
  try {
    const [sites, active, recent, fleet] = await Promise.all([
      allSites(), api("/api/v1/alerts?status=firing&order=severity"), api("/api/v1/alerts?status=all&limit=20"), api("/api/v1/edges")]);
    const unreachable = unreachableSites(fleet);
    const severityOf = {}, lineSeverity = {}, lineAlerts = {};
    for (const a of active.alerts) {
      const key = a.site + "/" + a.line + "/" + a.device, lineKey = a.site + "/" + a.line;
      const level = a.severity === "critical" ? "critical" : "warning";
      if (severityOf[key] !== "critical") severityOf[key] = level;
      if (lineSeverity[lineKey] !== "critical") lineSeverity[lineKey] = level;
      lineAlerts[lineKey] = (lineAlerts[lineKey] || 0) + 1;
    }
    const lines = sites.sites.flatMap(site => site.lines.map(line => ({ site: site.name, line: line.name, key: site.name + "/" + line.name, devices: line.devices })));
    const small = lines.reduce((n, l) => n + l.devices.length, 0) <= SMALL_PLANT_DEVICES;
    if (!small && !lines.some(l => l.key === openLine)) {
      const ofSelected = selected.split("/").slice(0, 2).join("/");
      openLineKey(lines.some(l => l.key === ofSelected) ? ofSelected : (lines[0] ? lines[0].key : ""));
    }
    const shown = lines.filter(l => small || l.key === openLine);
    const series = (await Promise.all(shown.map(l => lineSeries(l.site, l.line)))).flat();
    // The core's device registry: last seen, silent since, a clock that is off, messages missing.
    const registry = SCOPE !== "core" ? [] : (await Promise.all((small ? [null] : shown).map(l =>
      api(l === null ? "/api/v1/devices" : `/api/v1/devices?site=${encodeURIComponent(l.site)}&line=${encodeURIComponent(l.line)}`)))).flatMap(r => r.devices);
    const known = {};
    for (const d of registry) known[d.site + "/" + d.line + "/" + d.device] = d;
    const byDevice = {};
    for (const s of series) (byDevice[s.site + "/" + s.line + "/" + s.device] ||= []).push(s);
    const now = Date.now();
    const root = document.getElementById("sites");
    if (sites.sites.length === 0) root.replaceChildren(el("div", { class: "empty" }, t("noData")));
    else root.replaceChildren(...sites.sites.map(site => el("div", { class: "site", "data-site": site.name },
      el("h3", {}, site.name, ...(SCOPE === "core" && unreachable.has(site.name) ? [el("span", { class: "unreachable-mark", "data-unreachable": site.name }, t("unreachable"))] : [])),
      ...site.lines.map(line => {
        const lineKey = site.name + "/" + line.name;
        if (!small && lineKey !== openLine) {
          const label = t("line") + " " + line.name + " · " + line.devices.length + " " + t("devices") + (lineAlerts[lineKey] ? " · " + t("alerting") + " " + lineAlerts[lineKey] : "");
          const pick = el("button", { class: "line-pick " + (lineSeverity[lineKey] || ""), type: "button", "data-line-pick": lineKey }, label);
          pick.addEventListener("click", () => { openLineKey(lineKey); refresh(); });
          return pick;
        }
        return el("div", { class: "line", "data-line": line.name },
        el("h4", {}, t("line") + " " + line.name),
        el("div", { class: "devices" }, ...line.devices.map(device => {
          const key = site.name + "/" + line.name + "/" + device.name;
          const list = byDevice[key] || [];
          const newest = Math.max(0, ...list.map(s => s.last_ts));
          const info = known[key];
          const silent = info ? info.silent : now - newest > 120000;
          const state = severityOf[key] || (silent ? "stale" : "ok");
          const seen = info ? [el("div", { class: "seen" + (info.silent ? " silent" : "") },
            (info.silent ? t("silentSince") : t("lastSeen")) + " " + time(Date.parse(info.last_seen)))] : [];
          const flags = [];
          if (info && info.clock.off) flags.push(el("span", { class: "flag", "data-flag": "clock" }, t("clockOff") + " " + (info.clock.offset_ms > 0 ? "+" : "−") + seconds(Math.abs(info.clock.offset_ms) / 1000)));
          if (info && info.seq.missing > 0) flags.push(el("span", { class: "flag", "data-flag": "missing" }, t("missing") + " " + info.seq.missing));
          const node = el("div", { class: "device " + state + (key === selected ? " selected" : ""), "data-device": key },
            el("div", { class: "name" }, device.name),
            el("div", { class: "values" }, ...list.map(s => el("div", {}, s.sensor + ": " + Number(s.last_value).toFixed(2) + (s.unit ? " " + s.unit : "")))),
            ...seen, ...flags);
          node.addEventListener("click", () => { selected = key; localStorage.setItem("haetae.device", key); refresh(); });
          return node;
        })));
      }))));
    const editing = document.querySelector("#active details[open], #recent details[open]") !== null
      || (document.activeElement !== null && document.activeElement.closest("#active, #recent") !== null);
    if (force || !editing) {
      const activeBox = document.getElementById("active");
      activeBox.replaceChildren(...(active.alerts.length ? fold(active.alerts).map(alertNode) : [el("div", { class: "empty" }, t("noAlerts"))]));
      const recentBox = document.getElementById("recent");
      // An edge lists notifications (firing, repeats, resolved), newest first: one entry an alert.
      const recentAlerts = SCOPE === "site" ? recent.alerts.filter((a, i, all) => all.findIndex(b => b.alert_id === a.alert_id) === i) : recent.alerts;
      recentBox.replaceChildren(...(recentAlerts.length ? fold(recentAlerts).map(alertNode) : [el("div", { class: "empty" }, t("noRecent"))]));
    }
    await drawSystem(fleet);
    await drawSuppressions();
    await drawAudit();
    await drawKPIs();
    await drawCharts(series);
    await drawAccounts();
    document.getElementById("updated").textContent = t("updated") + " " + time(Date.now());
  } catch (error) {
    document.getElementById("updated").replaceChildren(el("span", { class: "error" }, t(SCOPE === "core" ? "error" : "errorSite")));
  }
}
applyLanguage();
loadSession().finally(() => { refresh(); setInterval(refresh, 5000); });
"""#
}
