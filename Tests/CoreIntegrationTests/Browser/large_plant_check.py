"""Loads the Haetae dashboard of a large plant in a real headless Chromium and reports, as one JSON
object on stdout, what a manager sees: the open line's devices in full, every other line as one
button; a click on another line's button opens that line. The Swift test asserts on it.

Usage: large_plant_check.py URL LINE_KEY_TO_OPEN
"""
import json
import sys
import time

from dashboard_check import console_errors, open_browser, wait_for  # same folder: one set of helpers for both checks


def attributes(driver, selector, name):
    # One script call reads them all at once: the page redraws every 5 s, which would make
    # element references fetched one by one go stale.
    return driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.getAttribute(arguments[1]))", selector, name)


def devices(driver):
    return attributes(driver, "[data-device]", "data-device")


def count(driver, selector):
    return driver.execute_script("return document.querySelectorAll(arguments[0]).length", selector)


def main():
    url, line_key = sys.argv[1], sys.argv[2]
    driver = open_browser("1280,900")
    result = {}
    try:
        began = time.time()
        driver.get(url)
        first = wait_for(driver, lambda d: devices(d) if count(d, ".device .values div") else None, timeout=30) or []
        result["first_paint_seconds"] = round(time.time() - began, 2)
        result["first_devices"] = first
        result["line_buttons"] = attributes(driver, "[data-line-pick]", "data-line-pick")
        result["values_shown"] = count(driver, ".device .values div")
        began = time.time()
        driver.execute_script("document.querySelector(arguments[0]).click()", f'[data-line-pick="{line_key}"]')
        opened = wait_for(driver, lambda d: [k for k in devices(d) if k.startswith(line_key + "/")] or None, timeout=30) or []
        result["open_seconds"] = round(time.time() - began, 2)
        result["opened_devices"] = devices(driver)
        result["console_errors"] = console_errors(driver)
    finally:
        driver.quit()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
