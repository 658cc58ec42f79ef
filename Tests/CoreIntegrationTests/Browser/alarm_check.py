"""Manages alarms on the page of a Haetae core with accounts in a real headless Chromium: an
operator acknowledges an alert, shelves another with a reason, takes a device out of service and
sees the alarm log; a viewer sees the states but no action, and a forged request is refused.
Reports what a person would see as one JSON object on stdout; the Swift test asserts on it.

Usage: alarm_check.py URL OPERATOR OPERATOR_PASSWORD VIEWER VIEWER_PASSWORD
"""
import json
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from dashboard_check import console_errors, open_browser, wait_for
from login_check import FLAGS, log_in, path

# Refused on purpose: the forged requests (403).
EXPECTED = ["status of 403"]


def alert(driver, alert_id):
    return driver.find_element(By.CSS_SELECTOR, f"#active [data-alert='{alert_id}']")


def state(driver, alert_id):
    return alert(driver, alert_id).find_element(By.CSS_SELECTOR, "[data-alarm-state]")


def texts(driver, selector):
    return driver.execute_script(f"return Array.from(document.querySelectorAll({json.dumps(selector)})).map(e => e.textContent)")


def run(driver, url, operator, operator_password, viewer, viewer_password):
    result = {}
    driver.get(url)
    driver.execute_script("localStorage.setItem('haetae.lang', 'en')")
    driver.get(url)
    log_in(driver, operator, operator_password)
    result["who"] = wait_for(driver, lambda d: d.find_element(By.ID, "who").text)
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#active [data-alert='a1'] [data-act='acknowledge']"), timeout=40)
    result["before"] = {a: state(driver, a).get_attribute("data-alarm-state") for a in ("a1", "a3", "a4")}

    # Each step finds its elements again until it succeeds: the page redraws every 5 s.
    def click(alert_id, act):
        def attempt(d):
            alert(d, alert_id).find_element(By.CSS_SELECTOR, f"[data-act='{act}']").click()
            return True
        return wait_for(driver, attempt, timeout=40)

    def open_form(alert_id, comment=None, duration=None):
        def attempt(d):
            form = alert(d, alert_id).find_element(By.CSS_SELECTOR, "details.shelve")
            if form.get_attribute("open") is None:
                form.find_element(By.TAG_NAME, "summary").click()
            if duration:
                Select(form.find_element(By.CSS_SELECTOR, "[data-shelve-for]")).select_by_value(duration)
            if comment:
                field = form.find_element(By.CSS_SELECTOR, "[data-shelve-comment]")
                field.clear()
                field.send_keys(comment)
            return form
        return wait_for(driver, attempt, timeout=40)

    # Acknowledge a1.
    click("a1", "acknowledge")
    result["a1_after_ack"] = wait_for(driver, lambda d: "by " + operator in state(d, "a1").text and state(d, "a1").text, timeout=40)
    result["a1_ack_buttons"] = len(alert(driver, "a1").find_elements(By.CSS_SELECTOR, "[data-act='acknowledge']"))

    # Shelve a3 for 8 h with a reason; the form survives the page's own refresh while open.
    form = open_form("a3", comment="thermocouple drifts", duration="8h")
    driver.execute_script("return new Promise(r => setTimeout(r, 6000))")  # one refresh passes
    try:
        result["form_kept_open"] = form.get_attribute("open") is not None
    except Exception:
        result["form_kept_open"] = False  # redrawn under the operator's hands
    click("a3", "shelve")
    result["a3_after_shelve"] = wait_for(driver, lambda d: "shelved until" in state(d, "a3").text and state(d, "a3").text, timeout=40)
    result["shelves"] = wait_for(driver, lambda d: texts(d, "[data-shelf]"), timeout=40)

    # Shelving without a reason is refused, and the page says why.
    open_form("a4")
    click("a4", "shelve")
    result["refusal"] = wait_for(driver, lambda d: d.find_element(By.ID, "notice").text, timeout=40)

    # Take a4's device out of service.
    open_form("a4", comment="bearing swap")
    click("a4", "out_of_service")
    result["out_of_service"] = wait_for(driver, lambda d: texts(d, "[data-out-of-service]"), timeout=40)
    result["audit"] = wait_for(driver, lambda d: len(texts(d, "[data-audit]")) >= 3 and texts(d, "[data-audit]"), timeout=40)
    result["commands"] = wait_for(driver, lambda d: texts(d, "[data-command]"), timeout=40)

    result["kpis"] = wait_for(driver, lambda d: texts(d, "[data-kpi-site]"), timeout=40)

    # A forged request from the page's own origin without the CSRF token.
    result["forged_status"] = driver.execute_script(
        "return fetch('/api/v1/alarms/actions', {method: 'POST', headers: {'Content-Type': 'application/json'},"
        " body: JSON.stringify({action: 'acknowledge', alert_id: 'a4'})}).then(r => r.status)")

    driver.find_element(By.ID, "logout").click()
    wait_for(driver, lambda d: path(d) == "/login")

    # The viewer: every state, no action; the API refuses them even with their CSRF token.
    log_in(driver, viewer, viewer_password)
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#active [data-alert='a1'] [data-alarm-state]"), timeout=40)
    wait_for(driver, lambda d: texts(d, "[data-shelf]"), timeout=40)
    result["viewer_states"] = {a: state(driver, a).get_attribute("data-alarm-state") for a in ("a1", "a3", "a4")}
    result["viewer_buttons"] = len(driver.find_elements(By.CSS_SELECTOR, "[data-act]"))
    result["viewer_api_status"] = driver.execute_script(
        "return fetch('/api/v1/session').then(r => r.json()).then(s => fetch('/api/v1/alarms/actions', {method: 'POST',"
        " headers: {'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf_token},"
        " body: JSON.stringify({action: 'acknowledge', alert_id: 'a4'})})).then(r => r.status)")
    result["console_errors"] = console_errors(driver, EXPECTED + ["status of 400"])
    return result


def main():
    driver = open_browser("1280,900", FLAGS)
    try:
        result = run(driver, *sys.argv[1:])
    finally:
        driver.quit()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
