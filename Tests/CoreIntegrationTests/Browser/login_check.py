"""Uses the login of a Haetae core with accounts in a real headless Chromium (selenium +
chromedriver) and reports, as one JSON object on stdout, what a person would see. The Swift test
asserts on it.

Usage: login_check.py full URL ADMIN ADMIN_PASSWORD VIEWER VIEWER_PASSWORD THROTTLED_NAME
       login_check.py expiry URL USER PASSWORD SECONDS
"""
import http.server
import json
import sys
import threading
import time

from selenium.webdriver.common.by import By

from dashboard_check import console_errors, open_browser, wait_for  # same folder: one set of helpers

# Console messages the flow causes on purpose: a refused login's page comes with its status
# (401, 429), and the script's own forged request is refused (403).
EXPECTED = ["status of 401", "status of 429", "status of 403"]
# The core's certificate is from the test's private CA, which this browser profile does not know.
FLAGS = ["--ignore-certificate-errors"]


def path(driver):
    return driver.execute_script("return location.pathname")


def log_in(driver, user, password):
    """Fills and sends the login form; again if the page was replaced meanwhile (the answer to the
    last attempt arriving: its elements go stale)."""
    def attempt(d):
        if path(d) != "/login" or d.execute_script("return document.readyState") != "complete":
            return False
        d.find_element(By.ID, "user").clear()
        d.find_element(By.ID, "user").send_keys(user)
        d.find_element(By.ID, "password").clear()
        d.find_element(By.ID, "password").send_keys(password)
        marker = d.execute_script("window.__sent = true; return true")
        d.find_element(By.ID, "submit").click()
        return marker
    wait_for(driver, attempt)
    # The answer is a new page: wait until it replaced this one.
    wait_for(driver, lambda d: not d.execute_script("return window.__sent === true"))


def notice(driver):
    return wait_for(driver, lambda d: d.find_element(By.ID, "notice").text)


def attacker_site(target):
    """Another site (http://localhost:PORT, not the core's origin) whose page posts a form to the
    core's /logout as soon as it loads: a cross-site request forgery."""
    page = f'<form id="f" method="post" action="{target}/logout"><input name="csrf" value="guess"></form>' \
           '<script>document.getElementById("f").submit()</script>'

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(page.encode())

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://localhost:{server.server_address[1]}/"


def full(driver, url, admin, admin_password, viewer, viewer_password, throttled):
    result = {}
    base = url.rstrip("/")
    driver.get(url)
    # The first page load starts the browser's caches: generous on a busy machine.
    wait_for(driver, lambda d: d.find_element(By.ID, "submit").text, timeout=60)
    result["first_path"] = path(driver)
    result["login_lang"] = driver.find_element(By.TAG_NAME, "html").get_attribute("lang")
    result["login_button_ko"] = driver.find_element(By.ID, "submit").text
    driver.find_element(By.ID, "lang").click()
    result["login_button_en"] = driver.find_element(By.ID, "submit").text

    # Wrong passwords, then the throttle: refused even before the password is checked.
    for _ in range(5):
        log_in(driver, throttled, "certainly-not-the-password")
    result["wrong_notice"] = notice(driver)
    log_in(driver, throttled, "certainly-not-the-password")
    result["throttled_notice"] = notice(driver)

    # A viewer: the dashboard, no accounts panel, the accounts API refused.
    log_in(driver, viewer, viewer_password)
    result["viewer_who"] = wait_for(driver, lambda d: d.find_element(By.ID, "who").text)
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-site]"))
    result["viewer_sees_accounts"] = driver.find_element(By.ID, "accounts-panel").is_displayed()
    result["viewer_users_api"] = driver.execute_script("return fetch('/api/v1/users').then(r => r.status)")
    driver.find_element(By.ID, "logout").click()
    wait_for(driver, lambda d: path(d) == "/login")

    # The admin.
    log_in(driver, admin, admin_password)
    result["who"] = wait_for(driver, lambda d: d.find_element(By.ID, "who").text)
    result["sites"] = wait_for(driver, lambda d: d.execute_script(
        "return Array.from(document.querySelectorAll('[data-site]')).map(e => e.getAttribute('data-site'))")) or []
    result["accounts"] = wait_for(driver, lambda d: d.execute_script(
        "return Array.from(document.querySelectorAll('[data-account]')).map(e => e.textContent)")) or []
    result["dashboard_lang"] = driver.find_element(By.TAG_NAME, "html").get_attribute("lang")
    result["address"] = driver.current_url
    result["script_sees_cookie"] = driver.execute_script("return document.cookie")
    result["cookies"] = [{k: c.get(k) for k in ("name", "httpOnly", "secure", "sameSite")} for c in driver.get_cookies()]

    # Forged requests: the page's own script without the CSRF token, and another site's form.
    result["logout_without_token"] = driver.execute_script("return fetch('/logout', {method: 'POST'}).then(r => r.status)")
    server, attack = attacker_site(base)
    try:
        driver.get(attack)
        time.sleep(2)
    finally:
        server.shutdown()
    driver.get(url)
    result["after_forgery_who"] = wait_for(driver, lambda d: d.find_element(By.ID, "who").text)

    driver.find_element(By.ID, "logout").click()
    wait_for(driver, lambda d: path(d) == "/login")
    result["after_logout_path"] = path(driver)
    driver.get(url)
    wait_for(driver, lambda d: d.find_element(By.ID, "submit"))
    result["after_logout_reload_path"] = path(driver)
    result["console_errors"] = console_errors(driver, EXPECTED)
    return result


def expiry(driver, url, user, password, seconds):
    result = {}
    driver.get(url)
    driver.execute_script("localStorage.setItem('haetae.lang', 'en')")
    driver.get(url)
    log_in(driver, user, password)
    result["who"] = wait_for(driver, lambda d: d.find_element(By.ID, "who").text)
    # The page refreshes every 5 s; past the lifetime its next request is refused and it goes
    # back to the login page, saying why.
    wait_for(driver, lambda d: path(d) == "/login", timeout=seconds + 15)
    result["path"] = path(driver)
    result["notice"] = notice(driver)
    result["console_errors"] = console_errors(driver, EXPECTED)
    return result


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    driver = open_browser("1024,768", FLAGS)
    try:
        result = full(driver, *args) if mode == "full" else expiry(driver, args[0], args[1], args[2], float(args[3]))
    finally:
        driver.quit()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
