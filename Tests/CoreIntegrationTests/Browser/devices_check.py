"""Reads the device cards of a Haetae core's page in a real headless Chromium: for each device
named, its card's class, its "last seen" / "silent since" line and its flags. One JSON object on
stdout; the Swift test asserts on it.

Usage: devices_check.py URL DEVICE_KEY...
"""
import json
import sys

from dashboard_check import console_errors, open_browser, wait_for


def cards(driver, keys):
    return driver.execute_script(
        "return arguments[0].map(k => { const e = document.querySelector(`[data-device='${k}']`);"
        " return e ? {key: k, cls: e.className, seen: (e.querySelector('.seen') || {}).textContent || null,"
        " flags: Array.from(e.querySelectorAll('.flag')).map(f => [f.getAttribute('data-flag'), f.textContent])} : null; })",
        keys)


def main():
    url, keys = sys.argv[1], sys.argv[2:]
    driver = open_browser("1280,900")
    result = {}
    try:
        driver.get(url)
        driver.execute_script("localStorage.setItem('haetae.lang', 'en')")
        driver.get(url)
        result["cards"] = wait_for(driver, lambda d: (c := cards(d, keys)) and all(x and x["seen"] for x in c) and c, timeout=60)
        result["console_errors"] = console_errors(driver)
    finally:
        driver.quit()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
