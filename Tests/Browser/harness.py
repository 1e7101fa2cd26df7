"""Shared pieces of the browser tests (Tests/Browser/test_*.py): a real `parley serve` on
free loopback ports, headless Chromium browsers driven by Selenium, bounded waits, screenshots.

Run all: python3 Tests/Browser/run.py   (needs Debian chromium + chromium-driver, PyPI selenium,
and a built .build/debug/parley; .ci/run installs and builds them).
"""
import json
import os
import pathlib
import socket
import ssl
import subprocess
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
PARLEY = ROOT / ".build" / "debug" / "parley"
SHOTS = ROOT / "reports" / "screenshots"
KEY = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`parley serve` on free ports, serving Web/ from disk (`--web-root`), with per-address
    limits lifted (every browser connects from 127.0.0.1) and any extra flags."""

    def __init__(self, *flags):
        self.port, self.http = free_port(), free_port()
        (ROOT / "reports").mkdir(exist_ok=True)
        self.log = open(ROOT / "reports" / f"browser-serve-{self.http}.log", "w")
        self.process = subprocess.Popen(
            [str(PARLEY), "serve", "--key", KEY, "--port", str(self.port), "--http-port", str(self.http),
             "--web-root", str(ROOT / "Web"), "--address-connections", "0", "--address-handshakes-per-minute", "0",
             "--address-anonymous-per-hour", "0", "--address-conversations-per-hour", "0", "--store", "memory", *flags],
            stdout=self.log, stderr=subprocess.STDOUT)
        secure = "--tls-cert" in flags
        self.url = f"{'https' if secure else 'http'}://127.0.0.1:{self.http}"
        context = ssl._create_unverified_context() if secure else None
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                if urllib.request.urlopen(self.url + "/readyz", timeout=1, context=context).status == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("parley serve did not become ready")

    def token(self, user, *flags):
        """A signed access token for `user` (`parley token`), e.g. flags ("--role", "supervisor")."""
        return subprocess.check_output([str(PARLEY), "token", "--key", KEY, "--user", user, *flags], text=True).strip()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def browser(*extra):
    """A fresh headless Chromium: each one is an independent user (own storage, own cookies).
    `extra` command-line switches, e.g. "--ignore-certificate-errors" for a test certificate."""
    options = Options()
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,860", *extra]:
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def wait(what, predicate, timeout=10.0, interval=0.05):
    """Polls `predicate` until it returns a truthy value (returned) or fails after `timeout` s."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            last = predicate()
            if last:
                return last
        except Exception as error:  # the element may not exist yet
            last = error
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


def text_of(driver, css):
    """The text of every element matching `css`, in document order."""
    return [element.text for element in driver.find_elements(By.CSS_SELECTOR, css)]


def screenshot(driver, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def console_errors(driver):
    """Severe messages in the browser's console (script errors, CSP violations)."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
