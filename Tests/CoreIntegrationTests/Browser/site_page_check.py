"""Opens, in a real headless Chromium, an edge's own site page and the core's page while the
test holds the WAN between them cut: on the edge's page, the banner saying the core does not take
its data, the live value of DEVICE (published during the cut), the alert it raised, and its
history chart; on the core's page, the site marked unreachable with a link to the edge's page.
One JSON object on stdout; the Swift test asserts on it.

Usage: site_page_check.py EDGE_URL CORE_URL SITE DEVICE_KEY VALUE_TEXT ALERT_RULE
"""
import json
import sys

from dashboard_check import console_errors, open_browser, wait_for


def main():
    edge_url, core_url, site, device_key, value_text, rule = sys.argv[1:7]
    driver = open_browser("1280,1000")
    result = {}
    try:
        # The edge's page, in English.
        driver.get(edge_url)
        driver.execute_script("localStorage.setItem('haetae.lang', 'en'); localStorage.setItem('haetae.device', arguments[0])", device_key)
        driver.get(edge_url)
        result["scope"] = driver.execute_script("return document.body.dataset.scope")
        result["banner"] = wait_for(driver, lambda d: d.execute_script(
            "const b = document.getElementById('banner'); const s = b.querySelector('[data-core-state]');"
            "return !b.hidden && s && s.getAttribute('data-core-state') === 'unreachable' ? b.textContent : null"), timeout=30)
        result["device"] = wait_for(driver, lambda d: d.execute_script(
            "const e = document.querySelector(`[data-device='${arguments[0]}']`);"
            "return e && e.textContent.includes(arguments[1]) ? {text: e.textContent, cls: e.className} : null", device_key, value_text), timeout=30)
        result["alert"] = wait_for(driver, lambda d: d.execute_script(
            "const a = Array.from(document.querySelectorAll('#active [data-alert]')).find(n => n.textContent.includes(arguments[0]));"
            "return a ? a.textContent : null", rule), timeout=30)
        result["chart_points"] = wait_for(driver, lambda d: d.execute_script(
            "const s = document.querySelector('#charts svg[data-points]');"
            "return s && Number(s.getAttribute('data-points')) > 0 ? Number(s.getAttribute('data-points')) : null"), timeout=30)
        result["system"] = driver.execute_script(
            "return Array.from(document.querySelectorAll('[data-edge]')).map(e => [e.getAttribute('data-edge'), e.getAttribute('data-health')])")
        result["panels"] = driver.execute_script(
            "return ['kpis', 'audit', 'commands', 'accounts', 'suppressions'].filter(id => document.getElementById(id) !== null)")
        result["edge_console_errors"] = console_errors(driver)

        # The core's page: the site is marked unreachable, with a link to the edge's own page.
        driver.get(core_url)
        driver.execute_script("localStorage.setItem('haetae.lang', 'en')")
        driver.get(core_url)
        result["core_site"] = wait_for(driver, lambda d: d.execute_script(
            "const f = document.querySelector(`[data-fleet-site='${arguments[0]}']`);"
            "const m = document.querySelector(`[data-unreachable='${arguments[0]}']`);"
            "return f && f.getAttribute('data-reachable') === 'false' && m ? {fleet: f.textContent, mark: m.textContent} : null", site), timeout=30)
        if not result["core_site"]:
            result["core_sites_html"] = driver.execute_script("return document.getElementById('sites').innerHTML.slice(0, 1500) + ' | ' + document.getElementById('updated').textContent")
        result["core_links"] = driver.execute_script(
            "return Array.from(document.querySelectorAll('a[data-page-link]')).map(a => a.href)")
        result["core_console_errors"] = console_errors(driver)
    finally:
        driver.quit()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
