import SitePage

/// The login page (`GET /login`) of a core with accounts: name and password, Korean and English
/// like the dashboard (the choice is shared through the browser), a message when a login failed,
/// was throttled or a session ended. A plain form posted to `/login`; the script only switches
/// the language and shows the message in it, so no secret ever goes into an address.
enum LoginPage {
    /// Why the page is shown again: a fixed code the script turns into a sentence.
    enum Notice: String {
        case none = ""
        case invalid
        case throttled
        case busy
        case expired
        case origin
    }

    /// The page with `notice` (and, when throttled, the seconds to wait).
    static func html(notice: Notice, retryAfterSeconds: Int64 = 0) -> String {
        template
            .replacingOccurrences(of: "{{notice}}", with: notice.rawValue)
            .replacingOccurrences(of: "{{retry}}", with: String(max(0, retryAfterSeconds)))
    }

    private static let template = PageStyle.head + #"""
<body>
<form class="login" method="post" action="/login" autocomplete="on">
  <h1>Haetae 해태</h1>
  <label for="user" data-i18n="user"></label>
  <input id="user" name="user" autocomplete="username" required maxlength="64" autofocus>
  <label for="password" data-i18n="password"></label>
  <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="200">
  <div class="error" id="notice" data-notice="{{notice}}" data-retry="{{retry}}"></div>
  <div class="actions">
    <button id="lang" type="button"></button>
    <button id="submit" type="submit" data-i18n="login"></button>
  </div>
</form>
<script src="/assets/login.js"></script>
</body>
</html>
"""#

    static let javascript = #"""
"use strict";
const TEXT = {
  en: { user: "Name", password: "Password", login: "Log in", lang: "한국어",
        invalid: "Wrong name or password.", throttled: "Too many failed logins. Try again in {s} s.",
        busy: "The core is busy checking other logins. Try again in a moment.", expired: "Your session has ended. Please log in again.",
        origin: "This login did not come from this page." },
  ko: { user: "이름", password: "비밀번호", login: "로그인", lang: "English",
        invalid: "이름 또는 비밀번호가 틀렸습니다.", throttled: "로그인 실패가 너무 많습니다. {s}초 후에 다시 시도하세요.",
        busy: "다른 로그인을 확인하는 중입니다. 잠시 후 다시 시도하세요.", expired: "세션이 끝났습니다. 다시 로그인하세요.",
        origin: "이 페이지에서 보낸 로그인이 아닙니다." },
};
let lang = localStorage.getItem("haetae.lang") || "ko";
const notice = document.getElementById("notice");
let code = notice.getAttribute("data-notice");
if (!code && new URLSearchParams(location.search).get("expired") === "1") code = "expired";
function apply() {
  document.documentElement.lang = lang;
  document.querySelectorAll("[data-i18n]").forEach(node => { node.textContent = TEXT[lang][node.getAttribute("data-i18n")]; });
  document.getElementById("lang").textContent = TEXT[lang].lang;
  notice.textContent = code && TEXT[lang][code] ? TEXT[lang][code].replace("{s}", notice.getAttribute("data-retry")) : "";
}
document.getElementById("lang").addEventListener("click", () => {
  lang = lang === "ko" ? "en" : "ko";
  localStorage.setItem("haetae.lang", lang);
  apply();
});
apply();
"""#
}
