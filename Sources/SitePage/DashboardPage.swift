import BuildInfo

/// The one page a factory manager opens (`GET /` of the core, and of each edge for its own site): every site → line → device with its latest
/// values and a status colour from the active alerts (a plant of more than 200 devices shows one
/// line's devices at a time, the other lines as one button each, so the page asks for one line's
/// series, not the whole plant's), history charts (SVG, drawn from the query
/// API), active and recent alerts with their alarm state (operators acknowledge and shelve them
/// there, and take devices out of service), what is shelved or out of service, and the alarm
/// log; refreshes itself; Korean and English (the choice is kept in
/// the browser). Self-contained: no external script, font or CDN (the factory has no internet).
///
/// No inline script or style: the page's script (``DashboardScript``) and style (``PageStyle``)
/// are files of their own under `/assets/`, so the Content-Security-Policy can be
/// `default-src 'self'` (an injected `<script>` would not run). With accounts
/// (`auth.users_file`) the page needs a login (``LoginPage``); its data requests carry the
/// session cookie, never a token in the address.
/// The same page, script and style serve two scopes (``PageScope``): the core's, over every site,
/// and an edge's site page, over its own site from its own data, which keeps working while the WAN
/// to the core is cut. The site page has no accounts and no alarm actions (those are the core's):
/// it leaves out the panels it has no data for, and the script draws only the panels present.
public enum DashboardPage {
    /// The page of `scope`.
    public static func html(_ scope: PageScope) -> String {
        let program: String
        let scopeName: String
        var rightPanels = """
            <section class="panel"><h2 data-i18n="active"></h2><div id="active"></div></section>
            <section class="panel stacked"><h2 data-i18n="recent"></h2><div id="recent"></div></section>
          """
        switch scope {
        case .core:
            program = "haetae-core \(HaetaeVersion.current)"
            scopeName = "core"
            rightPanels += """
                <section class="panel stacked"><h2 data-i18n="kpis"></h2><div id="kpis"></div></section>
                <section class="panel stacked"><h2 data-i18n="suppressions"></h2><div id="suppressions"></div></section>
                <section class="panel stacked"><h2 data-i18n="audit"></h2><div id="audit"></div></section>
                <section class="panel stacked"><h2 data-i18n="commands"></h2><div id="commands"></div></section>
                <section class="panel stacked" id="accounts-panel" hidden><h2 data-i18n="accounts"></h2><div id="accounts"></div></section>

              """
        case .site(let site, let edge):
            program = "haetae-edge \(HaetaeVersion.current) · \(escaped(site)) · \(escaped(edge))"
            scopeName = "site"
            rightPanels += """
                <section class="panel stacked"><h2 data-i18n="suppressions"></h2><div id="suppressions"></div></section>

              """
        }
        return PageStyle.head + """
            <body data-scope="\(scopeName)">
            <header>
              <h1>Haetae 해태</h1>
              <span class="meta" id="core-version">\(program)</span>
              <span class="meta" id="updated"></span>
              <span class="spacer"></span>
              <span class="meta" id="who" hidden></span>
              <button id="logout" type="button" data-i18n="logout" hidden></button>
              <button id="lang" type="button"></button>
            </header>
            <main>
              <div>
                <div class="banner" id="banner" hidden></div>
                <section class="panel" id="system-panel"><h2 data-i18n="system"></h2><div id="system"></div></section>
                <section class="panel stacked" id="sites-panel"><h2 data-i18n="sites"></h2><div id="sites"></div></section>
                <section class="panel stacked" id="charts-panel"><h2 id="charts-title" data-i18n="history"></h2><div id="charts" class="charts"></div></section>
              </div>
              <div>
                <div class="notice" id="notice" hidden></div>
            \(rightPanels)  </div>
            </main>
            <script src="/assets/dashboard.js"></script>
            </body>
            </html>

            """
    }

    /// A name from configuration as HTML text.
    static func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
