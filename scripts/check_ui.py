"""Drives the jobs control page in headless Chromium (see check-ui.sh); exits 1 on failure."""
import argparse
import json
import sys
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def api_states(base):
    """The jobs' states as GET /job/status reports them, independently of the page."""
    with urllib.request.urlopen(base + "job/status", timeout=5) as response:
        return {job["name"]: job["state"] for job in json.load(response)["jobs"]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--screenshot")
    args = parser.parse_args()

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1200,860"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    # The page redraws the task tables every second: an element found just before a redraw
    # is stale by the time it is read, so a wait reads it again.
    wait = WebDriverWait(driver, 15, ignored_exceptions=[StaleElementReferenceException])
    try:
        def state(job):
            return driver.find_element(By.ID, "state-" + job).text.lower()

        def button(job, command):
            return driver.find_element(By.CSS_SELECTOR, f'button[data-job="{job}"][data-command="{command}"]')

        def click(job, command):
            """Clicks the button, finding it again if a redraw replaced it meanwhile."""
            wait.until(lambda _: button(job, command).click() or True)

        def message():
            return driver.find_element(By.ID, "message").text

        driver.get(args.url)
        wait.until(lambda _: all(state(job) == "running" for job in ("camera", "recognizer", "users")))
        # The status refreshes by itself: the camera's run counter must grow without a click.
        wait.until(lambda _: int(driver.find_element(By.CSS_SELECTOR, "#tasks-camera td:nth-child(3)").text) >= 2)

        click("camera", "stop")
        wait.until(lambda _: message().startswith("401"))
        assert api_states(args.url)["camera"] == "running", "a write without the token must change nothing"

        driver.find_element(By.ID, "token").send_keys(args.token)
        click("camera", "stop")
        wait.until(lambda _: state("camera") == "stopped")
        assert api_states(args.url) == {"camera": "stopped", "recognizer": "running", "users": "running"}

        click("", "pause")
        wait.until(lambda _: message().startswith("409"))
        assert api_states(args.url)["users"] == "running", "a refused pause of all jobs changes none"

        click("users", "pause")
        wait.until(lambda _: state("users") == "paused")
        wait.until(lambda _: int(driver.find_element(By.CSS_SELECTOR, "#tasks-recognizer td:nth-child(3)").text) >= 4)
        if args.screenshot:
            driver.save_screenshot(args.screenshot)

        wait.until(lambda _: driver.find_element(By.CSS_SELECTOR, 'button[data-logs="camera"]').click() or True)
        wait.until(lambda _: len(driver.window_handles) == 2)
        driver.switch_to.window(driver.window_handles[1])
        wait.until(lambda _: "camera: job stopped" in driver.find_element(By.TAG_NAME, "body").text)
        driver.switch_to.window(driver.window_handles[0])

        click("", "start")
        wait.until(lambda _: all(state(job) == "running" for job in ("camera", "recognizer", "users")))
        click("", "stop")
        wait.until(lambda _: api_states(args.url) == {"camera": "stopped", "recognizer": "stopped", "users": "stopped"})
        print("check_ui: page shows states, Stop/Pause/Start per job and for all, token and Open Logs work")
        return 0
    except Exception as error:  # noqa: BLE001 - any failure of the check is reported the same way
        print(f"check_ui: FAILED: {type(error).__name__}: {error}", file=sys.stderr)
        print("check_ui: page text:\n" + driver.find_element(By.TAG_NAME, "body").text, file=sys.stderr)
        return 1
    finally:
        driver.quit()


if __name__ == "__main__":
    sys.exit(main())
