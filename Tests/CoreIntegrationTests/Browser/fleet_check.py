"""Watches the System panel of a Haetae core's page in a real headless Chromium while the test
kills an edge: reports the edge's card once it is ok (its text), writes READY_FILE then, and
records when the card first shows each later health (stale, down) until it is down. One JSON
object on stdout; the Swift test asserts on it and on the edge's own /metrics.

Usage: fleet_check.py URL EDGE READY_FILE
"""
import json
import sys
import time

from dashboard_check import console_errors, open_browser, wait_for


def card(driver, edge):
    return driver.execute_script(
        "const e = document.querySelector(`[data-edge='${arguments[0]}']`);"
        "return e ? {health: e.getAttribute('data-health'), text: e.textContent, spark: e.querySelectorAll('svg.spark polyline').length} : null",
        edge)


def main():
    url, edge, ready_file = sys.argv[1], sys.argv[2], sys.argv[3]
    driver = open_browser("1280,900")
    result = {"seen": [], "times": {}}
    try:
        driver.get(url)
        driver.execute_script("localStorage.setItem('haetae.lang', 'en')")
        driver.get(url)
        ok = wait_for(driver, lambda d: (c := card(d, edge)) and c["health"] == "ok" and c, timeout=60)
        result["ok_card"] = ok
        with open(ready_file, "w") as ready:
            ready.write("ok\n")
        deadline = time.time() + 90
        while time.time() < deadline:
            current = card(driver, edge)
            health = current["health"] if current else None
            if health and (not result["seen"] or result["seen"][-1] != health):
                result["seen"].append(health)
                result["times"][health] = time.time()
                result[health + "_card"] = current
            if health == "down":
                break
            time.sleep(0.1)
        result["other_cards"] = driver.execute_script(
            "return Array.from(document.querySelectorAll('[data-edge]')).map(e => [e.getAttribute('data-edge'), e.getAttribute('data-health')])")
        result["console_errors"] = console_errors(driver)
    finally:
        driver.quit()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
