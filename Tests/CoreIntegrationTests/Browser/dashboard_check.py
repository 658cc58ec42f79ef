"""Loads the Haetae dashboard in a real headless Chromium (selenium + chromedriver) and reports,
as one JSON object on stdout, what a manager would see. The Swift test asserts on it.

Usage: dashboard_check.py URL DEVICE_KEY ALERT_RULE
"""
import json
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By


def wait_for(driver, predicate, timeout=20.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            value = predicate(driver)
            if value:
                return value
        except Exception:
            pass
        time.sleep(0.2)
    return None


def open_browser(window_size, extra_flags=()):
    """Headless Chromium through the system's chromedriver, keeping the browser console log."""
    options = Options()
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--window-size={window_size}", *extra_flags]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


# Not the page's doing: Chromium aborts the requests in flight when this machine's network
# interfaces change, which another test does at the same time (it adds a veth pair for its
# network namespace: TestSupport/NetworkNamespace.swift). The page asks again on its next refresh.
MACHINE_NETWORK_CHANGED = "net::ERR_NETWORK_CHANGED"


def console_errors(driver, expected=()):
    """The console's errors, but for those containing one of `expected` (caused on purpose)."""
    ignored = (*expected, MACHINE_NETWORK_CHANGED)
    return [entry["message"] for entry in driver.get_log("browser")
            if entry["level"] == "SEVERE" and not any(text in entry["message"] for text in ignored)]


def main():
    url, device_key, alert_rule = sys.argv[1], sys.argv[2], sys.argv[3]
    driver = open_browser("1024,768")
    result = {}
    try:
        driver.get(url)
        result["title"] = driver.title
        # Read and click through one script call each: the page redraws every 5 s, which makes
        # element references fetched one by one go stale.
        all_of = "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.getAttribute(arguments[1]))"
        result["sites"] = wait_for(driver, lambda d: d.execute_script(all_of, "[data-site]", "data-site")) or []
        result["devices"] = wait_for(driver, lambda d: d.execute_script(all_of, "[data-device]", "data-device")) or []
        selector = f'[data-device="{device_key}"]'
        result["device_class"] = driver.execute_script("return document.querySelector(arguments[0]).getAttribute('class')", selector)
        driver.execute_script("document.querySelector(arguments[0]).click()", selector)
        points = wait_for(driver, lambda d: max([int(e.get_attribute("data-points")) for e in d.find_elements(By.CSS_SELECTOR, "svg[data-points]")] or [0]))
        result["chart_points"] = points or 0
        result["chart_paths"] = len(driver.find_elements(By.CSS_SELECTOR, "#charts svg path"))
        result["active_alert_texts"] = wait_for(driver, lambda d: [e.text for e in d.find_elements(By.CSS_SELECTOR, "#active .alert") if alert_rule in e.text]) or []
        result["lang_before"] = driver.find_element(By.TAG_NAME, "html").get_attribute("lang")
        result["heading_before"] = driver.find_element(By.CSS_SELECTOR, '[data-i18n="active"]').text
        driver.find_element(By.ID, "lang").click()
        result["lang_after"] = driver.find_element(By.TAG_NAME, "html").get_attribute("lang")
        result["heading_after"] = driver.find_element(By.CSS_SELECTOR, '[data-i18n="active"]').text
        driver.refresh()
        wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-site]"))
        result["lang_after_reload"] = driver.find_element(By.TAG_NAME, "html").get_attribute("lang")
        driver.set_window_size(768, 1024)  # a tablet held upright
        result["tablet_scroll_width"] = driver.execute_script("return document.documentElement.scrollWidth")
        result["tablet_client_width"] = driver.execute_script("return document.documentElement.clientWidth")
        result["console_errors"] = console_errors(driver)
    finally:
        driver.quit()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
