"""The whole website side at once: a visitor in the demo shop's widget and an agent in the
console, two independent browsers, one conversation (issue 19's walkthrough); and the same
over TLS (https/wss). Screenshots: reports/screenshots/walkthrough-*.png."""
import subprocess
import tempfile

import harness
import test_console as console
import test_widget as widget
from harness import wait


def widget_text(driver):
    """Everything the widget shows, shadow DOM included (a note must never be in it)."""
    return driver.execute_script("return document.getElementById('parley-widget').shadowRoot.textContent")


def test_visitor_and_agent_in_two_browsers():
    server = harness.Server()
    visitor = agent = None
    try:
        agent = harness.browser()
        console.sign_in(agent, server, server.token("ana"))
        console.accept(agent)

        visitor = widget.open_page(server)
        widget.open_widget(visitor)
        widget.type_and_send(visitor, "Hello, can I still change the address of order 1234?")
        conversation = wait("the assignment in the console", lambda: agent.find_element(
            "css selector", '[data-testid="conversation-item"]').get_attribute("data-conversation"))
        console.open_conversation(agent, conversation)
        wait("the question asked before the assignment", lambda: any(
            "order 1234" in text for text in console.messages(agent, role="visitor")))

        # Typing, both ways of the walkthrough: the visitor types, the console shows it.
        widget.testid(visitor, "input").send_keys("it is")
        wait("the visitor typing in the console", lambda: console.find(agent, "typing-indicator").is_displayed())

        console.write(agent, "Yes — what is the new address?")
        wait("the reply in the widget", lambda: ("agent", "Yes — what is the new address?") in widget.widget_messages(visitor))
        console.click(agent, "note-toggle")
        console.write(agent, "Internal: customer since 2019")
        wait("the note in the console", lambda: any("customer since 2019" in t for t in console.messages(agent, kind="note")))

        widget.testid(visitor, "input").send_keys(" Main Street 5\n")
        wait("the visitor's answer in the console", lambda: any("Main Street 5" in t for t in console.messages(agent, role="visitor")))
        assert "customer since 2019" not in widget_text(visitor), "an internal note reached the visitor's page"
        harness.screenshot(agent, "walkthrough-console")
        widget.shot(visitor, "walkthrough-widget")

        # A reload keeps the conversation, nothing lost or doubled.
        before = widget.widget_messages(visitor)
        visitor.refresh()
        widget.open_widget(visitor)
        wait("the conversation after the reload", lambda: widget.widget_messages(visitor) == before)

        # The agent closes; the visitor rates.
        console.click(agent, "close-button")
        wait("the rating", lambda: widget.displayed(visitor, "rating"))
        widget.testid(visitor, "rate-5").click()
        widget.testid(visitor, "rating-submit").click()
        wait("the thanks", lambda: widget.displayed(visitor, "rating-thanks"))
        assert "customer since 2019" not in widget_text(visitor)
        for driver in (visitor, agent):
            errors = [e for e in harness.console_errors(driver) if "favicon" not in e]
            assert not errors, errors
    finally:
        for driver in (visitor, agent):
            if driver:
                driver.quit()
        server.stop()


def test_widget_over_tls():
    folder = tempfile.mkdtemp()
    cert, key = f"{folder}/cert.pem", f"{folder}/key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    server = harness.Server("--tls-cert", cert, "--tls-key", key)
    visitor = None
    try:
        assert server.url.startswith("https://")
        visitor = harness.browser("--ignore-certificate-errors")
        visitor.get(server.url + "/")
        wait("the widget to connect over wss", lambda: visitor.execute_script(
            "return window.ParleyWidget?.client?.state === 'connected' && window.ParleyWidget.client.url.startsWith('wss://')"))
        widget.open_widget(visitor)
        # Nobody accepts: the leave-a-message form, sent over wss.
        wait("the offline form", lambda: widget.displayed(visitor, "offline-form"))
        widget.testid(visitor, "field-email").send_keys("kari@example.no")
        widget.testid(visitor, "field-message").send_keys("Hello over TLS")
        widget.testid(visitor, "start-submit").click()
        wait("the message sent", lambda: ("visitor", "Hello over TLS") in widget.widget_messages(visitor))
    finally:
        if visitor:
            visitor.quit()
        server.stop()
