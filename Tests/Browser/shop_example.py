#!/usr/bin/env python3
"""End to end: the example shop (Examples/Shop) in headless Chromium, with its own login.

A customer logs in through the shop's login page and asks a question in the chat widget
(data-auth="transport": no token, the shop's session cookie); in a second browser, staff "Ana"
logs in through the same page, opens the console from the link on her home page (signed in by
the shop's login, no token asked), sees the conversation with the customer's name and order
count from the shop's database, and answers; the customer sees the answer. Then the customer
logs out, and the widget's connection in their other tab ends (CREDENTIALS_EXPIRED, SESSION-39)
without reconnecting.

Needs the shop built (cd Examples/Shop && swift build), Debian chromium + chromium-driver, and
PyPI selenium. Run: python3 Tests/Browser/shop_example.py
Prints PASS/FAIL per step and exits 1 on the first failure; saves the console's screenshot to
reports/shop-console.png (copy it over Examples/Shop/console.png to update the README's picture).
"""
import os
import pathlib
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

import harness
from harness import wait

SHOP_DIR = harness.ROOT / "Examples" / "Shop"
# The built shop: Examples/Shop/.build/debug/shop, or PARLEY_SHOP (CI builds it in a shared build folder).
SHOP = pathlib.Path(os.environ.get("PARLEY_SHOP", SHOP_DIR / ".build" / "debug" / "shop")).resolve()
SCREENSHOT = SHOP_DIR.parent.parent / "reports" / "shop-console.png"
CUSTOMER = ("ada@example.com", "analytical", "Ada Lovelace", "3")  # e-mail, password, name, orders
AGENT = ("ana@shop.example", "support", "Ana Souza")
QUESTION = "Hello! Where is my brass pen? It shipped two days ago."
ANSWER = "Hi Ada, it is out for delivery today."


class Shop:
    """`shop` on a free loopback port with a fresh data folder; stopped (SIGTERM) by `stop`."""

    def __init__(self):
        self.folder = tempfile.TemporaryDirectory(prefix="shop-example-")
        self.port = harness.free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = pathlib.Path(self.folder.name) / "shop.log"
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [str(SHOP), "--port", str(self.port), "--data", str(pathlib.Path(self.folder.name) / "data")],
            cwd=self.folder.name, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"shop exited with {self.process.returncode}:\n{self.output()}")
            try:
                if urllib.request.urlopen(self.url + "/login", timeout=1).status == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"shop did not answer within 30 s:\n{self.output()}")

    def output(self):
        self.log.flush()
        return self.log_path.read_text()

    def stop(self):
        """SIGTERM: a graceful shutdown; returns the exit status."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        return self.process.returncode


# ---- the shop's pages ---------------------------------------------------------------------

def log_in(driver, shop, email, password):
    """Logs in through the shop's login form and waits for the home page."""
    driver.get(shop.url + "/login")
    wait("the login form", lambda: driver.find_element(By.ID, "email").is_displayed())
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "[data-testid=login-button]").click()
    wait("the home page, signed in", lambda: driver.current_url.rstrip("/") == shop.url
         and driver.find_elements(By.CSS_SELECTOR, "[data-testid=signed-in]"))


def page_testid(driver, name):
    return driver.find_element(By.CSS_SELECTOR, f'[data-testid="{name}"]')


# ---- the widget, in the shadow root of #parley-widget (as Tests/Browser/test_widget.py) ------

def widget(driver, css):
    return driver.execute_script(
        "const r = document.getElementById('parley-widget')?.shadowRoot; return r ? r.querySelector(arguments[0]) : null;", css)


def widget_connected(driver):
    return driver.execute_script("return window.ParleyWidget?.client?.state === 'connected'")


def widget_messages(driver):
    """(role, text) of every line of the widget's message list, greeting excluded."""
    return [tuple(x) for x in driver.execute_script(
        """const r = document.getElementById('parley-widget').shadowRoot;
           return [...r.querySelectorAll('[data-testid=messages] > li[data-role]:not([data-role=greeting])')]
             .map((li) => [li.dataset.role, li.querySelector('.bubble')?.textContent ?? li.textContent]);""")]


# ---- the console (as Tests/Browser/test_console.py) ----------------------------------------

def console(driver, testid, extra=""):
    return driver.find_elements(By.CSS_SELECTOR, f'[data-testid="{testid}"]{extra}')


def click(driver, testid, extra=""):
    wait(f"clicking {testid}{extra}", lambda: console(driver, testid, extra)[0].click() or True)


def details(driver):
    """The console's details column as {term: definition}."""
    return driver.execute_script(
        """const d = {}; for (const dt of document.querySelectorAll('[data-testid=details] dt'))
             d[dt.textContent] = dt.nextElementSibling?.textContent; return d;""")


# ---- the test ------------------------------------------------------------------------------

class Steps:
    """Prints PASS/FAIL per step; the first failure ends the test."""

    def __init__(self):
        self.passed = 0

    def __call__(self, name, body):
        start = time.time()
        try:
            result = body()
        except Exception:
            print(f"FAIL {name} ({time.time() - start:.1f} s)\n{traceback.format_exc()}", flush=True)
            raise
        self.passed += 1
        print(f"PASS {name} ({time.time() - start:.1f} s)", flush=True)
        return result


def main():
    if not SHOP.exists():
        print(f"FAIL {SHOP} is not built: cd Examples/Shop && swift build")
        return 1
    step, things, shop = Steps(), [], None
    try:
        shop = step("the shop starts on a free port with a fresh data folder", Shop)
        banner = shop.output()
        assert shop.url in banner and "ada@example.com" in banner and "ana@shop.example" in banner, banner

        customer = harness.browser()
        things.append(customer.quit)

        def customer_asks():
            log_in(customer, shop, *CUSTOMER[:2])
            orders = customer.find_elements(By.CSS_SELECTOR, "[data-testid=orders] tbody tr")
            assert len(orders) == int(CUSTOMER[3]), [o.text for o in orders]
            wait("the widget to connect with the shop's login", lambda: widget_connected(customer), timeout=15)
            user = customer.execute_script("return window.ParleyWidget.client.identity")
            assert user["user"] == "customer-1" and user["role"] == "visitor" and user.get("displayName") == CUSTOMER[2], user
            wait("the launcher", lambda: widget(customer, "[data-testid=launcher]").is_displayed())
            widget(customer, "[data-testid=launcher]").click()
            wait("the panel", lambda: widget(customer, "[data-testid=panel]").is_displayed())
            # Nobody of the support team is accepting yet: the widget offers its leave-a-message
            # form, which asks a signed-in customer for no e-mail (the shop knows them).
            form = wait("the leave-a-message form (support is not online yet)",
                        lambda: widget(customer, "[data-testid=offline-form]").is_displayed())
            assert form
            assert widget(customer, "[data-testid=field-email]") is None, "no e-mail asked of a signed-in customer"
            widget(customer, "[data-testid=field-message]").send_keys(QUESTION)
            widget(customer, "[data-testid=start-submit]").click()
            wait("the question in the widget", lambda: ("visitor", QUESTION) in widget_messages(customer))
        step("customer logs in through the login page, sees 3 orders, asks in the widget", customer_asks)

        agent = harness.browser()
        things.append(agent.quit)

        def agent_opens_console():
            log_in(agent, shop, *AGENT[:2])
            page_testid(agent, "console-link").click()
            wait("the console to connect with the shop's login",
                 lambda: console(agent, "connection")[0].get_attribute("data-state") == "connected", timeout=15)
            assert not console(agent, "token-input")[0].is_displayed(), "no token asked"
            assert AGENT[2] in console(agent, "identity")[0].text, console(agent, "identity")[0].text
            assert "/console.html?auth=transport&path=/chat" in agent.current_url, agent.current_url
        step("Ana logs in through the login page and opens the console link: no token asked", agent_opens_console)

        def agent_sees_customer():
            click(agent, "routing-switch")
            wait("accepting", lambda: console(agent, "routing-switch")[0].is_selected())
            items = lambda: console(agent, "conversation-item")
            wait("the conversation, named for the customer", lambda: items() and CUSTOMER[2] in items()[0].text, timeout=15)
            items()[0].click()
            wait("the question in the console", lambda: any(
                QUESTION in m.text for m in console(agent, "message", '[data-role="visitor"]')))
            facts = wait("the customer's details", lambda: (lambda d: d if d.get("orders") else None)(details(agent)))
            assert facts.get("name") == CUSTOMER[2] and facts.get("orders") == CUSTOMER[3], facts
            assert facts.get("Visitor") == CUSTOMER[2] and facts.get("Visitor ID") == "customer-1", facts
            conversation = items()[0].get_attribute("data-conversation")
            wait("the conversation to leave the team queue once assigned",
                 lambda: not console(agent, "queue-entry", f'[data-conversation="{conversation}"]'), timeout=15)
            time.sleep(0.5)  # let the list's and the details' last renders settle for the screenshot
            SCREENSHOT.parent.mkdir(exist_ok=True)
            agent.save_screenshot(str(SCREENSHOT))
        step("the console shows the conversation with the name and order count from the shop's database", agent_sees_customer)

        def agent_answers():
            box = console(agent, "composer-input")[0]
            box.send_keys(ANSWER)
            box.send_keys(Keys.ENTER)
            wait("the answer in the console", lambda: any(
                ANSWER in m.text for m in console(agent, "message", '[data-role="agent"]')))
            wait("the answer in the customer's widget", lambda: ("agent", ANSWER) in widget_messages(customer))
            name = widget(customer, "li[data-role=agent] .name").text
            assert name == "Ana", name
        step("Ana answers; the customer sees the answer", agent_answers)

        def logout_ends_chat():
            first = customer.current_window_handle
            customer.switch_to.new_window("tab")
            customer.get(shop.url + "/")
            wait("the widget of the second tab to connect", lambda: widget_connected(customer), timeout=15)
            customer.execute_script("""window.__ended = null;
                window.ParleyWidget.client.on('disconnected', (d) => { window.__ended = {name: d.name, willReconnect: d.willReconnect}; });""")
            second = customer.current_window_handle
            customer.switch_to.window(first)
            page_testid(customer, "logout").click()
            wait("the login page after logout", lambda: customer.current_url.endswith("/login"))
            customer.switch_to.window(second)
            ended = wait("the widget's connection to end", lambda: customer.execute_script("return window.__ended"))
            assert ended == {"name": "CREDENTIALS_EXPIRED", "willReconnect": False}, ended
            wait("the widget to say the chat is unavailable",
                 lambda: "unavailable" in (widget(customer, "#pstatus") or widget(customer, ".status")).text.lower()
                 or customer.execute_script("return window.ParleyWidget.client.state") != "connected")
            time.sleep(1.5)
            state = customer.execute_script("return window.ParleyWidget.client.state")
            assert state != "connected", f"the widget reconnected: {state}"
            customer.refresh()
            wait("the guest home page after a reload", lambda: customer.find_elements(By.LINK_TEXT, "Log in"))
            assert not customer.find_elements(By.CSS_SELECTOR, "[data-testid=signed-in]")
        step("the customer logs out: the widget's connection in their other tab ends (CREDENTIALS_EXPIRED)", logout_ends_chat)

        def no_script_errors():
            for driver in (customer, agent):
                errors = [e for e in harness.console_errors(driver) if "favicon" not in e]
                assert not errors, errors
        step("no script errors in either browser", no_script_errors)
    except Exception:
        if shop:
            print("--- shop output ---\n" + shop.output()[-3000:], flush=True)
        return 1
    finally:
        for stop in reversed(things):
            try:
                stop()
            except Exception:
                pass
        if shop:
            status = shop.stop()
            shop.folder.cleanup()
            print(f"{'PASS' if status == 0 else 'FAIL'} the shop stops gracefully on SIGTERM (exit status {status})", flush=True)
            if status != 0:
                return 1
    print(f"shop example: {step.passed} steps passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
