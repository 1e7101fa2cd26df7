"""Browser tests of the agent console (Web/console.html, Web/console.js) against a real
`parley serve`: agents in headless Chromium, visitors driven from Python over the JSON
WebSocket protocol (Spec/session.md). Run: python3 Tests/Browser/run.py test_console
"""
import itertools
import json
import re
import threading

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select
from websockets.sync.client import connect

import harness


# ---------------------------------------------------------------- the visitor side, in Python

class Visitor:
    """An anonymous website visitor: hello, presence with a page, create, send, typing; every
    message received is kept (events acknowledged, pings answered) for the test to inspect."""

    def __init__(self, server, page="/lamp", title="Oak desk lamp"):
        self.ws = connect(f"ws://127.0.0.1:{server.http}/parley", subprotocols=["parley.v1.json"])
        self.rids = itertools.count(1)
        self.lock = threading.Lock()
        self.received = []
        self._send({"type": "hello", "rid": next(self.rids), "versions": [1], "auth": {"scheme": "anonymous"}})
        welcome = json.loads(self.ws.recv(timeout=10))
        assert welcome["type"] == "welcome", welcome
        self.user = welcome["identity"]["user"]
        threading.Thread(target=self._read, daemon=True).start()
        if page:
            self.command("setPresence", status="online", page={"url": server.url + page, "title": title})

    def _send(self, message):
        self.ws.send(json.dumps(message))

    def _read(self):
        try:
            for raw in self.ws:
                message = json.loads(raw)
                if message["type"] == "ping":
                    self._send({"type": "pong", "nonce": message["nonce"]})
                    continue
                with self.lock:
                    self.received.append(message)
                if "seq" in message:
                    self._send({"type": "ack", "seq": message["seq"]})
        except Exception:  # closed at the end of the test
            pass

    def command(self, kind, **fields):
        """Sends a command and waits for its result (`ok`, `historyPage`, … or `error`)."""
        rid = next(self.rids)
        self._send({"type": kind, "rid": rid, **fields})

        def result():
            with self.lock:
                return next((m for m in self.received if m.get("rid") == rid), None)
        return harness.wait(f"the result of {kind}", result)

    def create(self, text, **fields):
        ok = self.command("create", text=text, **fields)
        assert ok["type"] == "ok", ok
        return ok["conversation"]

    def send(self, conversation, text):
        ok = self.command("send", conversation=conversation, text=text, clientMessageId=f"m{next(self.rids)}")
        assert ok["type"] == "ok", ok

    def typing(self, conversation, on, preview=None):
        signal = {"type": "typing", "conversation": conversation, "typing": on}
        if preview is not None:
            signal["preview"] = preview
        self._send(signal)

    def messages(self, kind):
        with self.lock:
            return [m for m in self.received if m["type"] == kind]

    def events(self, kind=None):
        return [m["event"] for m in self.messages("event") if kind is None or m["event"]["kind"] == kind]

    def close(self):
        self.ws.close()


# ---------------------------------------------------------------- console helpers

def css(testid, extra=""):
    return f'[data-testid="{testid}"]{extra}'


def find(driver, testid, extra=""):
    return driver.find_element(By.CSS_SELECTOR, css(testid, extra))


def present(driver, testid, extra=""):
    return driver.find_elements(By.CSS_SELECTOR, css(testid, extra))


def click(driver, testid, extra=""):
    """Clicks, retrying while the element is (re)rendered."""
    harness.wait(f"clicking {testid}{extra}", lambda: find(driver, testid, extra).click() or True)


def sign_in(driver, server, token):
    driver.get(server.url + "/console")
    harness.wait("the token field", lambda: find(driver, "token-input").is_displayed())
    find(driver, "token-input").send_keys(token)
    click(driver, "signin-button")
    wait_connected(driver)


def wait_connected(driver):
    harness.wait("the console to connect", lambda: find(driver, "connection").get_attribute("data-state") == "connected")


def accept(driver):
    click(driver, "routing-switch")
    harness.wait("accepting", lambda: find(driver, "routing-switch").is_selected() and "Accepting" in driver.page_source)


def item(conversation):
    return f'[data-conversation="{conversation}"]'


def open_conversation(driver, conversation):
    harness.wait(f"{conversation} in my list", lambda: present(driver, "conversation-item", item(conversation)))
    click(driver, "conversation-item", item(conversation))


def messages(driver, **attributes):
    """Texts of the message list items matching data-role / data-kind."""
    extra = "".join(f'[data-{k}="{v}"]' for k, v in attributes.items())
    return [e.text for e in present(driver, "message", extra)]


def write(driver, text, enter=True):
    box = find(driver, "composer-input")
    box.send_keys(text)
    if enter:
        box.send_keys(Keys.ENTER)


def assert_no_console_errors(driver):
    errors = [e for e in harness.console_errors(driver) if "favicon" not in e]
    assert not errors, errors


class Scene:
    """A server, browsers and visitors, all stopped at the end (`with Scene(...) as s`)."""

    def __init__(self, *flags):
        self.server = harness.Server(*flags)
        self.drivers, self.visitors = [], []

    def browser(self):
        driver = harness.browser()
        self.drivers.append(driver)
        return driver

    def visitor(self, **kw):
        v = Visitor(self.server, **kw)
        self.visitors.append(v)
        return v

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for v in self.visitors:
            v.close()
        for d in self.drivers:
            d.quit()
        self.server.stop()


# ---------------------------------------------------------------- tests

def test_dev_token_sign_in():
    """On a loopback server the console offers the development token, which signs in."""
    with Scene() as s:
        driver = s.browser()
        driver.get(s.server.url + "/console")
        harness.wait("the dev-token button", lambda: find(driver, "dev-token-button").is_displayed())
        harness.screenshot(driver, "console-signin")
        click(driver, "dev-token-button")
        wait_connected(driver)
        assert "agent-1" in find(driver, "identity").text
        assert not find(driver, "token-input").is_displayed()
        # The token is remembered for the tab: a reload signs in again by itself.
        driver.refresh()
        wait_connected(driver)
        assert "agent-1" in find(driver, "identity").text
        assert_no_console_errors(driver)


def test_assignment_question_reply_and_typing():
    """Accepting → the waiting conversation is assigned; its question (asked before the
    assignment) shows; the reply reaches the visitor; the visitor's typing and draft show and clear."""
    with Scene("--draft-previews", "on") as s:
        driver = s.browser()
        sign_in(driver, s.server, s.server.token("ana"))
        visitor = s.visitor()
        question = "Where is my order #1234? It was due on Monday."
        conversation = visitor.create(question)
        accept(driver)

        harness.wait("the conversation in my list", lambda: present(driver, "conversation-item", item(conversation)))
        harness.wait("the unread count in the title", lambda: driver.title.startswith("(1)"))
        assert find(driver, "conversation-item", item(conversation)).find_element(By.CSS_SELECTOR, css("unread")).text == "1"
        click(driver, "conversation-item", item(conversation))
        harness.wait("the visitor's question", lambda: question in messages(driver, role="visitor", kind="message")[0])
        # Seen: the read marker moves (the visitor is told), the title loses its count.
        harness.wait("the title without unread", lambda: not driver.title.startswith("("))
        harness.wait("the agent's read marker at the visitor",
                     lambda: any(m["user"] == "ana" for m in visitor.messages("readMarker")))

        reply = "Hi! Let me check that for you."
        write(driver, reply[:10], enter=False)
        harness.wait("the agent typing at the visitor",
                     lambda: any(t["user"] == "ana" for m in visitor.messages("typers") for t in m.get("typers", [])))
        write(driver, reply[10:])
        harness.wait("the reply at the visitor", lambda: any(e.get("text") == reply for e in visitor.events("message")))
        harness.wait("the reply in the console", lambda: reply in " ".join(messages(driver, role="agent", kind="message")))
        assert find(driver, "composer-input").get_attribute("value") == ""

        indicator = lambda: find(driver, "typing-indicator")
        visitor.typing(conversation, True, preview="Is it shipped")
        harness.wait("the visitor typing", lambda: indicator().is_displayed() and "typing" in indicator().text)
        harness.wait("the visitor's draft", lambda: "Is it shipped" in indicator().text)
        visitor.typing(conversation, False)
        harness.wait("the typing indicator to clear", lambda: not indicator().is_displayed())
        assert_no_console_errors(driver)


def test_internal_note_stays_internal():
    """A note shows as a note in the console; the visitor never receives it, nor its typing."""
    with Scene() as s:
        driver = s.browser()
        sign_in(driver, s.server, s.server.token("ana"))
        accept(driver)
        visitor = s.visitor()
        conversation = visitor.create("Hello, can I change the delivery address?")
        # A second visitor asks for a skill nobody has: it waits in the queue (for the screenshot).
        waiting = s.visitor(page="/cart", title="Your cart")
        waiting.create("I was charged twice for my last order", tags=["billing"], priority=2)
        open_conversation(driver, conversation)
        harness.wait("the question", lambda: messages(driver, role="visitor", kind="message"))

        click(driver, "note-toggle")
        note = "Returning customer: offer free express shipping."
        write(driver, note)
        harness.wait("the note in the console", lambda: note in " ".join(messages(driver, kind="note")))
        shown = present(driver, "message", '[data-kind="note"]')[0].text.lower()  # the label is in capitals
        assert "internal note" in shown and "not visible to the visitor" in shown
        assert find(driver, "message", '[data-kind="note"]').get_attribute("data-role") == "agent"
        # Everything sent to the visitor before the note was processed arrives before this result.
        page = visitor.command("history", conversation=conversation)
        assert page["type"] == "historyPage", page
        assert all(e["kind"] != "note" for e in page.get("events", []))
        assert not any(t["user"] == "ana" for m in visitor.messages("typers") for t in m.get("typers", [])), \
            "typing a note must be internal"

        click(driver, "reply-toggle")
        reply = "Yes, of course. What is the new address?"
        write(driver, reply)
        harness.wait("the reply at the visitor", lambda: any(e.get("text") == reply for e in visitor.events("message")))
        assert not visitor.events("note")
        assert all(note not in json.dumps(m) for m in visitor.received)
        harness.wait("the waiting conversation in the queue", lambda: present(driver, "queue-entry"))
        harness.wait("the visitor list", lambda: len(present(driver, "visitor-entry")) == 2)
        harness.screenshot(driver, "console-conversation")
        assert_no_console_errors(driver)


def test_team_queue_shows_waiting_and_taken():
    """The queue (queue:<team>) shows waiting conversations with their first words, live wait,
    priority and tags; one disappears when taken, one nobody can take stays."""
    with Scene() as s:
        driver = s.browser()
        sign_in(driver, s.server, s.server.token("ana"))
        first = s.visitor().create("I need a refund for order 42, please")
        tagged = s.visitor().create("Question about my invoice", tags=["billing"], priority=3)

        entry = lambda c: present(driver, "queue-entry", item(c))
        harness.wait("both in the queue", lambda: entry(first) and entry(tagged))
        assert "I need a refund for order 42" in entry(first)[0].text
        assert "offline message" in entry(first)[0].text  # nobody accepting: offline (CONV-7)
        assert "#billing" in entry(tagged)[0].text and "priority 3" in entry(tagged)[0].text
        harness.wait("a live wait time", lambda: re.search(r"\b[1-9]\d*s\b", entry(first)[0].text))
        assert find(driver, "queue-list").find_element(By.CSS_SELECTOR, css("queue-entry")).get_attribute("data-conversation") == tagged, \
            "higher priority first (ROUTE-3)"

        accept(driver)
        harness.wait("the taken one to leave the queue", lambda: not entry(first))
        harness.wait("it in my list", lambda: present(driver, "conversation-item", item(first)))
        assert entry(tagged), "no agent has the billing skill: it keeps waiting"
        assert_no_console_errors(driver)


def test_transfer_to_another_agent():
    """Transfer with a note: the conversation leaves ana's list and arrives in bob's, with the
    question and the note."""
    with Scene() as s:
        bob = s.browser()
        sign_in(bob, s.server, s.server.token("bob"))  # not accepting, but a valid target (ROUTE-2)
        ana = s.browser()
        sign_in(ana, s.server, s.server.token("ana"))
        accept(ana)
        visitor = s.visitor()
        question = "My lamp arrived broken, can I get a new one?"
        conversation = visitor.create(question)
        open_conversation(ana, conversation)

        def dialog_with_bob():
            click(ana, "transfer-button")
            if present(ana, "transfer-target", ' option[value="agent:bob"]'):
                return True
            find(ana, "transfer-dialog").find_element(By.CSS_SELECTOR, 'button[value="cancel"]').click()
            return False
        harness.wait("bob among the transfer targets", dialog_with_bob)
        Select(find(ana, "transfer-target")).select_by_value("agent:bob")
        find(ana, "transfer-note").send_keys("Replacement approved, please arrange it.")
        harness.screenshot(ana, "console-transfer")
        click(ana, "transfer-confirm")

        harness.wait("it to leave ana's list", lambda: not present(ana, "conversation-item", item(conversation)))
        open_conversation(bob, conversation)
        harness.wait("the question at bob", lambda: question in " ".join(messages(bob, role="visitor", kind="message")))
        harness.wait("the transfer note at bob", lambda: "Replacement approved" in " ".join(messages(bob, kind="note")))
        harness.wait("the transferred event", lambda: messages(bob, kind="transferred"))
        harness.wait("the visitor told", lambda: visitor.events("transferred"))
        assert not visitor.events("note")
        assert_no_console_errors(ana)
        assert_no_console_errors(bob)


def test_close_from_the_console():
    with Scene() as s:
        driver = s.browser()
        sign_in(driver, s.server, s.server.token("ana"))
        accept(driver)
        visitor = s.visitor()
        conversation = visitor.create("Thanks, that is all!")
        open_conversation(driver, conversation)
        click(driver, "close-button")
        closed = harness.wait("closed at the visitor", lambda: visitor.events("closed"))
        assert closed[0]["closeReason"] == "byAgent" and closed[0]["sender"] == "ana"
        harness.wait("the closed state", lambda: find(driver, "conversation-state").text.lower() == "closed")
        assert not find(driver, "composer-input").is_displayed()
        assert find(driver, "conversation-item", item(conversation)).get_attribute("data-state") == "closed"
        assert_no_console_errors(driver)
        # The connection indicator: the server goes away, the console says it reconnects.
        s.server.stop()
        harness.wait("reconnecting", lambda: find(driver, "connection").get_attribute("data-state") == "reconnecting"
                     and "Reconnecting" in find(driver, "connection").text)


def test_supervisor_watches_then_takes_over():
    """A supervisor opens a team conversation, watches it silently, then takes it over."""
    with Scene() as s:
        ana = s.browser()
        sign_in(ana, s.server, s.server.token("ana"))
        accept(ana)
        visitor = s.visitor()
        conversation = visitor.create("Is the oak lamp available in white?")
        harness.wait("assigned to ana", lambda: present(ana, "conversation-item", item(conversation)))

        sue = s.browser()
        sign_in(sue, s.server, s.server.token("sue", "--role", "supervisor"))
        harness.wait("the team conversation", lambda: present(sue, "team-item", item(conversation)))
        click(sue, "team-item", item(conversation))
        harness.wait("its history", lambda: messages(sue, role="visitor", kind="message"))
        click(sue, "watch-button")
        harness.wait("watching", lambda: find(sue, "conversation-state").text == "Watching")
        harness.wait("note-only composer", lambda: not find(sue, "reply-toggle").is_enabled())
        harness.screenshot(sue, "console-supervisor")
        assert not any(e.get("agent") == "sue" for e in visitor.events("joined")), "an observer is invisible"

        click(sue, "takeover-button")
        harness.wait("assigned to sue", lambda: find(sue, "conversation-state").text.lower() == "active"
                     and find(sue, "reply-toggle").is_enabled())
        harness.wait("it to leave ana's list", lambda: not present(ana, "conversation-item", item(conversation)))
        find(sue, "composer-input").send_keys("Hello, I am the team lead: yes, it is!", Keys.ENTER)
        harness.wait("sue's reply at the visitor", lambda: any(e.get("sender") == "sue" for e in visitor.events("message")))
        assert_no_console_errors(ana)
        assert_no_console_errors(sue)


def test_invite_a_visitor():
    """A visitor on the site is invited with a greeting; accepting starts a conversation
    assigned to the inviting agent, the greeting its first message (CONV-20, CONV-21)."""
    with Scene() as s:
        driver = s.browser()
        sign_in(driver, s.server, s.server.token("ana"))
        visitor = s.visitor(page="/desk-mat", title="Wool desk mat")
        entry = css("visitor-entry", f'[data-visitor="{visitor.user}"]')
        harness.wait("the visitor on the site", lambda: "Wool desk mat" in driver.find_element(By.CSS_SELECTOR, entry).text)
        harness.wait("clicking Invite", lambda: driver.find_element(By.CSS_SELECTOR, entry + " " + css("invite-button")).click() or True)
        greeting = find(driver, "invite-text")
        greeting.clear()
        greeting.send_keys("Hello! The desk mat also comes in blue, any questions?")
        click(driver, "invite-confirm")
        invitation = harness.wait("the invitation", lambda: visitor.messages("invitation"))[0]
        assert invitation["agent"] == "ana" and "comes in blue" in invitation["text"]
        assert visitor.command("answerInvitation", invitation=invitation["invitation"], accept=True)["type"] == "ok"
        harness.wait("the toast", lambda: "accepted your invitation" in driver.page_source)
        conversation = harness.wait("the conversation", lambda: visitor.events("assigned"))[0]["conversation"]
        open_conversation(driver, conversation)
        harness.wait("the greeting as ana's message", lambda: "comes in blue" in " ".join(messages(driver, role="agent", kind="message")))
        assert_no_console_errors(driver)
