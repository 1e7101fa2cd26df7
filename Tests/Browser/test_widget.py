"""Browser tests of the visitor chat widget (Web/widget.js) on the demo shop page.

The visitor is headless Chromium on `/` (index.html loads widget.js); the agent is driven from
Python by `Agent`, a small client of the JSON protocol over WebSocket (Spec/session.md).
Run: python3 Tests/Browser/run.py test_widget
"""
import itertools
import json
import threading
import time

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

import harness
from harness import wait

from websockets.sync.client import connect


class Agent:
    """An agent (or any staff) session: hello with a signed token, events acknowledged as they
    arrive, pings answered, commands answered by rid. Everything received is kept in order."""

    def __init__(self, server, user="ana", accepting=True, *token_flags):
        self.user = user
        self.ws = connect(f"ws://127.0.0.1:{server.http}/parley", subprotocols=["parley.v1.json"],
                          compression=None, open_timeout=10)
        self.ws.__enter__()  # the context-manager form (websockets >= 17.1 warns otherwise)
        self.received, self.results = [], {}
        self.lock, self.arrived = threading.Lock(), threading.Condition()
        self.rids = itertools.count(1)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        welcome = self.command({"type": "hello", "versions": [1], "client": "test_widget.py",
                                "auth": {"scheme": "token", "credential": server.token(user, *token_flags)}})
        assert welcome["type"] == "welcome", welcome
        if accepting:
            self.accepting()

    def _read(self):
        try:
            for text in self.ws:
                message = json.loads(text)
                if message["type"] == "ping":
                    self._send({"type": "pong", "nonce": message["nonce"]})
                if "seq" in message:
                    self._send({"type": "ack", "seq": message["seq"]})
                with self.arrived:
                    self.received.append(message)
                    if "rid" in message and message["type"] != "event":
                        self.results[message["rid"]] = message
                    self.arrived.notify_all()
        except Exception:  # closed
            pass

    def _send(self, message):
        with self.lock:
            self.ws.send(json.dumps(message))

    def command(self, message, timeout=10):
        """Sends a command with a fresh rid and returns its result (ok, error, historyPage …)."""
        rid = next(self.rids)
        self._send({**message, "rid": rid})
        with self.arrived:
            if not self.arrived.wait_for(lambda: rid in self.results, timeout):
                raise AssertionError(f"no result for {message['type']} within {timeout} s")
            return self.results.pop(rid)

    def ok(self, message):
        result = self.command(message)
        assert result["type"] != "error", result
        return result

    def accepting(self):
        return self.ok({"type": "agentStatus", "routing": "accepting"})

    def events(self, kind=None, conversation=None):
        """The conversation events received so far, optionally of one kind and conversation."""
        with self.arrived:
            return [m["event"] for m in self.received if m["type"] == "event"
                    and (kind is None or m["event"]["kind"] == kind)
                    and (conversation is None or m["event"]["conversation"] == conversation)]

    def messages(self, type_):
        with self.arrived:
            return [m for m in self.received if m["type"] == type_]

    def wait_event(self, what, predicate, timeout=10):
        return wait(what, lambda: next((e for e in self.events() if predicate(e)), None), timeout)

    def send(self, conversation, text):
        return self.ok({"type": "send", "conversation": conversation, "text": text,
                        "clientMessageId": f"{self.user}-{time.time_ns()}"})

    def typing(self, conversation, typing=True):
        self._send({"type": "typing", "conversation": conversation, "typing": typing})

    def close(self):
        try:
            self.ws.close()
        except Exception:
            pass


# ---- the visitor's side: the widget in the shadow root of #parley-widget -------------------

FIND = """const r = document.getElementById('parley-widget')?.shadowRoot;
          return r ? [...r.querySelectorAll(arguments[0])] : [];"""


def find_all(driver, css):
    return driver.execute_script(FIND, css)


def find(driver, css):
    found = find_all(driver, css)
    return found[0] if found else None


def testid(driver, name):
    return find(driver, f'[data-testid="{name}"]')


def displayed(driver, name):
    element = testid(driver, name)
    return element is not None and element.is_displayed()


def widget_messages(driver):
    """(role, text) of every line of the message list, greeting excluded, in order."""
    return [tuple(x) for x in driver.execute_script(
        """const r = document.getElementById('parley-widget').shadowRoot;
           return [...r.querySelectorAll('[data-testid=messages] > li[data-role]:not([data-role=greeting])')]
             .map((li) => [li.dataset.role, li.querySelector('.bubble')?.textContent ?? li.textContent]);""")]


def active_testid(driver):
    """The data-testid of the focused element inside the widget, or None."""
    return driver.execute_script(
        """const h = document.getElementById('parley-widget');
           return document.activeElement === h ? h.shadowRoot.activeElement?.dataset.testid ?? null : null;""")


def open_page(server):
    driver = harness.browser()
    driver.get(server.url + "/")
    wait("the launcher", lambda: displayed(driver, "launcher"))
    wait("the widget to connect", lambda: driver.execute_script(
        "return window.ParleyWidget?.client?.state === 'connected'"))
    return driver


def page_with_widget(scene, **data):
    """A page of the site (a 404 page: the site has one page) with the widget added by script,
    with other data-* options than the demo page's."""
    driver = harness.browser()
    scene.things.append(driver.quit)
    driver.get(scene.server.url + "/no-such-page")
    driver.execute_script("""const tag = document.createElement('script');
        tag.src = '/widget.js'; Object.assign(tag.dataset, arguments[0]); document.head.append(tag);""", data)
    wait("the widget to connect", lambda: driver.execute_script("return window.ParleyWidget?.client?.state === 'connected'"))
    return driver


NOT_FOUND = "no-such-page - Failed to load resource"


def open_widget(driver):
    if not displayed(driver, "panel"):
        testid(driver, "launcher").click()
    wait("the panel", lambda: displayed(driver, "panel"))


def type_and_send(driver, text):
    field = testid(driver, "input")
    field.send_keys(text)
    field.send_keys(Keys.ENTER)


def visitor_id(driver):
    return driver.execute_script("return window.ParleyWidget.client.identity.user")


def shot(driver, name):
    time.sleep(0.3)  # let the panel's 0.2 s opening animation finish
    harness.screenshot(driver, name)


def no_console_errors(driver, *ignore):
    errors = [e for e in harness.console_errors(driver) if not any(i in e for i in ("favicon", *ignore))]
    assert not errors, errors


class Scene:
    """A server, and what a test opened on it, all stopped at the end (`with Scene() as s`)."""

    def __init__(self, *flags):
        self.flags, self.things = flags, []

    def __enter__(self):
        self.server = harness.Server(*self.flags)
        return self

    def agent(self, *args):
        agent = Agent(self.server, *args)
        self.things.append(agent.close)
        return agent

    def page(self):
        driver = open_page(self.server)
        self.things.append(driver.quit)
        return driver

    def __exit__(self, *exc):
        for stop in reversed(self.things):
            try:
                stop()
            except Exception:
                pass
        self.server.stop()


# ---- tests ---------------------------------------------------------------------------------

def test_conversation_with_an_agent():
    """Question → assigned accepting agent sees it; reply with the agent's name; typing both
    ways; "Seen" once the agent reads; read sent for the agent's message."""
    with Scene() as s:
        ana = s.agent("ana")
        driver = s.page()
        open_widget(driver)
        assert active_testid(driver) == "input", "focus moves into the panel"
        shot(driver, "widget-open")
        type_and_send(driver, "Where is my order #1234?")

        question = ana.wait_event("the question at the agent", lambda e: e["kind"] == "message"
                                  and e.get("text") == "Where is my order #1234?")
        conversation = question["conversation"]
        assert ana.events("assigned", conversation)[0]["agent"] == "ana"
        wait("the system line 'Ana joined'", lambda: ("system", "Ana joined the chat") in widget_messages(driver))
        wait("the header names the agent", lambda: find(driver, "#ptitle").text == "Ana")

        # The agent types: the indicator appears, and goes when the agent stops.
        ana.typing(conversation, True)
        wait("'Ana is typing…'", lambda: displayed(driver, "typing") and "Ana is typing" in testid(driver, "typing").text)
        ana.typing(conversation, False)
        wait("the typing indicator to clear", lambda: not displayed(driver, "typing"))

        # Types again, then sends: the message shows with the name, the indicator clears.
        ana.typing(conversation, True)
        wait("'Ana is typing…' again", lambda: displayed(driver, "typing"))
        reply = ana.send(conversation, "It ships tomorrow.")
        wait("the agent's reply", lambda: ("agent", "It ships tomorrow.") in widget_messages(driver))
        wait("the typing indicator to clear on send", lambda: not displayed(driver, "typing"))
        agent_line = find(driver, "li[data-role=agent] .name")
        assert agent_line.text == "Ana", agent_line.text

        # The widget was open and visible: it reads the agent's message (CONV-16).
        wait("the visitor's read marker", lambda: any(
            m["conversation"] == conversation and m["user"] == visitor_id(driver) and m["cseq"] >= reply["cseq"]
            for m in ana.messages("readMarker")))

        # The visitor types: the agent sees them typing (the client's throttle).
        testid(driver, "input").send_keys("Thanks")
        wait("the visitor typing at the agent", lambda: any(
            m["conversation"] == conversation and any(t["role"] == "visitor" for t in m.get("typers", []))
            for m in ana.messages("typers")))
        testid(driver, "input").send_keys(Keys.ENTER)
        thanks = ana.wait_event("'Thanks'", lambda e: e.get("text") == "Thanks")
        # The agent reads it: "Seen" under the visitor's last message.
        ana.ok({"type": "read", "conversation": conversation, "cseq": thanks["cseq"]})
        wait("'Seen'", lambda: displayed(driver, "seen"))
        seen_on = driver.execute_script(
            "return arguments[0].closest('li').querySelector('.bubble').textContent", testid(driver, "seen"))
        assert seen_on == "Thanks", seen_on
        assert not find_all(driver, "[data-testid=retry]"), "no failed sends"
        assert widget_messages(driver).count(("visitor", "Where is my order #1234?")) == 1
        shot(driver, "widget-conversation")

        # Panel closed: an agent message is not read, the launcher shows it unread; opening reads it.
        testid(driver, "minimize").click()
        wait("the panel closed", lambda: not displayed(driver, "panel"))
        later = ana.send(conversation, "Anything else?")
        wait("the unread badge", lambda: find(driver, ".badge").is_displayed() and find(driver, ".badge").text == "1")
        assert "1 unread" in testid(driver, "launcher").get_attribute("aria-label")
        time.sleep(0.3)
        mine = lambda: [m for m in ana.messages("readMarker") if m["user"] == visitor_id(driver) and m["cseq"] >= later["cseq"]]
        assert not mine(), "nothing read while the panel is closed"
        testid(driver, "launcher").click()
        wait("the read marker once the panel is open", mine)
        wait("the badge to go", lambda: not find(driver, ".badge").is_displayed())
        no_console_errors(driver)


def test_reload_keeps_the_conversation():
    """Reload and navigate: same conversation, every message once; a new one arrives once."""
    with Scene() as s:
        ana = s.agent("ana")
        driver = s.page()
        open_widget(driver)
        type_and_send(driver, "First question")
        conversation = ana.wait_event("the question", lambda e: e.get("text") == "First question")["conversation"]
        ana.send(conversation, "First answer")
        type_and_send(driver, "Second question")
        ana.wait_event("the second question", lambda e: e.get("text") == "Second question")
        # In cseq order: the create's text comes right after created/queued, then the assignment.
        expected = [("visitor", "First question"), ("system", "Ana joined the chat"), ("agent", "First answer"),
                    ("visitor", "Second question")]
        wait("the conversation", lambda: widget_messages(driver) == expected)
        visitor = visitor_id(driver)

        for how in ("reload", "navigate"):
            if how == "reload":
                driver.refresh()
            else:
                driver.get(s.server.url + "/")
            wait(f"the panel open again after {how}", lambda: displayed(driver, "panel"))
            wait(f"the conversation after {how}", lambda: widget_messages(driver) == expected)
            assert visitor_id(driver) == visitor, "the same visitor"
            time.sleep(0.3)  # a duplicate from a late replay would show now
            assert widget_messages(driver) == expected, widget_messages(driver)

        ana.send(conversation, "Answer after reload")
        expected.append(("agent", "Answer after reload"))
        wait("the new message", lambda: widget_messages(driver) == expected)
        time.sleep(0.3)
        assert widget_messages(driver) == expected, widget_messages(driver)
        # One conversation on the server, its messages once each.
        listed = ana.ok({"type": "list"})["conversations"]
        assert [c["id"] for c in listed] == [conversation], listed
        # The page was reported with setPresence (reportPage) on load: the agent can see it.
        ana.ok({"type": "subscribe", "topic": f"presence:user:{visitor}"})
        wait("the visitor's page", lambda: any(m.get("user") == visitor and m.get("page", {}).get("url", "").startswith(s.server.url)
                                               for m in ana.messages("presence")))
        no_console_errors(driver)


def test_offline_leave_a_message():
    """Nobody accepting: the leave-a-message form; submitting creates an offline conversation
    with the e-mail, which the agent who comes online later gets."""
    with Scene() as s:
        driver = s.page()
        open_widget(driver)
        wait("the offline form", lambda: displayed(driver, "offline-form"))
        form = testid(driver, "offline-form")
        assert "Nobody is available right now" in form.text, form.text
        assert not displayed(driver, "composer")
        assert active_testid(driver) == "field-email", "focus on the form's first field"
        # The e-mail is required.
        testid(driver, "field-message").send_keys("Do you ship to Norway?")
        testid(driver, "start-submit").click()
        time.sleep(0.2)
        assert displayed(driver, "offline-form"), "not sent without an e-mail"
        testid(driver, "field-email").send_keys("kari@example.no")
        shot(driver, "widget-offline")
        testid(driver, "start-submit").click()

        wait("the message in the list", lambda: ("visitor", "Do you ship to Norway?") in widget_messages(driver))
        wait("the promise of an answer", lambda: displayed(driver, "offline-state")
             and "kari@example.no" in testid(driver, "offline-state").text)
        assert not displayed(driver, "queue-line"), "no queue position while offline (CONV-7)"
        shot(driver, "widget-offline-sent")

        ana = s.agent("ana")  # comes online later and accepts: the conversation is routed to her
        created = ana.wait_event("the offline conversation", lambda e: e["kind"] == "created")
        assert {"key": "email", "value": "kari@example.no"} in created.get("properties", []), created
        ana.wait_event("its message", lambda e: e.get("text") == "Do you ship to Norway?")
        assert ana.events("offline", created["conversation"]), "it was offline"
        wait("'Ana joined' in the widget", lambda: ("system", "Ana joined the chat") in widget_messages(driver))
        wait("the offline state to go", lambda: not displayed(driver, "offline-state"))
        no_console_errors(driver)


def test_close_and_rate():
    """The agent closes: rating shown; 4 with a comment reaches the agent; transcript built."""
    with Scene() as s:
        ana = s.agent("ana")
        driver = s.page()
        open_widget(driver)
        type_and_send(driver, "Can I return the lamp?")
        conversation = ana.wait_event("the question", lambda e: e.get("text") == "Can I return the lamp?")["conversation"]
        ana.send(conversation, "Yes, within 30 days.")
        wait("the answer", lambda: ("agent", "Yes, within 30 days.") in widget_messages(driver))
        ana.ok({"type": "close", "conversation": conversation})
        wait("the rating", lambda: displayed(driver, "rating"))
        assert ("system", "The chat was closed by Ana") in widget_messages(driver)
        assert not displayed(driver, "composer") and not displayed(driver, "end-chat")
        assert testid(driver, "rating-submit").get_attribute("disabled") is not None
        testid(driver, "rate-4").click()
        testid(driver, "rating-comment").send_keys("Quick and friendly")
        shot(driver, "widget-rating")
        testid(driver, "rating-submit").click()

        rated = ana.wait_event("the rated event", lambda e: e["kind"] == "rated")
        assert rated["score"] == 4 and rated["conversation"] == conversation, rated
        transcript = ana.ok({"type": "transcript", "conversation": conversation})
        assert transcript.get("comment") == "Quick and friendly", transcript
        wait("the thanks", lambda: displayed(driver, "rating-thanks") and not displayed(driver, "rating"))

        # "Download transcript": a text file of both sides, built from history.
        driver.execute_script("""window.__blobs = [];
            const create = URL.createObjectURL;
            URL.createObjectURL = (b) => { window.__blobs.push(b); return create(b); };""")
        testid(driver, "transcript").click()
        wait("the transcript blob", lambda: driver.execute_script("return window.__blobs.length"))
        text = driver.execute_async_script("window.__blobs[0].text().then(arguments[0])")
        assert "You: Can I return the lamp?" in text and "Ana: Yes, within 30 days." in text, text

        # A new chat starts afresh.
        testid(driver, "new-chat").click()
        wait("the composer", lambda: displayed(driver, "composer"))
        assert widget_messages(driver) == []
        no_console_errors(driver)


def test_invitation():
    """The agent invites the visitor: greeting card; Reply opens the chat with the greeting."""
    with Scene() as s:
        ana = s.agent("ana")
        driver = s.page()
        visitor = visitor_id(driver)
        invited = ana.ok({"type": "invite", "visitor": visitor, "text": "Hi! Looking for a desk lamp?"})
        wait("the invitation card", lambda: displayed(driver, "invitation-card"))
        card = testid(driver, "invitation-card")
        assert "Hi! Looking for a desk lamp?" in card.text and "Ana" in card.text, card.text
        shot(driver, "widget-invitation")
        testid(driver, "invitation-reply").click()

        answered = wait("invitationAnswered", lambda: next(
            (m for m in ana.messages("invitationAnswered") if m["invitation"] == invited["invitation"]), None))
        assert answered["accepted"] and answered.get("conversation"), answered
        wait("the panel", lambda: displayed(driver, "panel"))
        assert not displayed(driver, "invitation-card")
        wait("the greeting in the chat", lambda: ("agent", "Hi! Looking for a desk lamp?") in widget_messages(driver))
        type_and_send(driver, "Yes, a warm one")
        reply = ana.wait_event("the visitor's reply", lambda e: e.get("text") == "Yes, a warm one")
        assert reply["conversation"] == answered["conversation"]

        # Dismiss declines a second invitation.
        ana.ok({"type": "close", "conversation": answered["conversation"]})
        testid(driver, "minimize").click()
        second = ana.ok({"type": "invite", "visitor": visitor, "text": "Anything else?"})
        wait("the second card", lambda: displayed(driver, "invitation-card"))
        testid(driver, "invitation-dismiss").click()
        declined = wait("the decline", lambda: next(
            (m for m in ana.messages("invitationAnswered") if m["invitation"] == second["invitation"]), None))
        assert declined["accepted"] is False, declined
        assert not displayed(driver, "invitation-card")
        no_console_errors(driver)


def test_keyboard_only():
    """Tab reaches the launcher, Enter opens with focus in the message box, Enter sends,
    Escape closes and gives focus back to the launcher."""
    with Scene() as s:
        ana = s.agent("ana")
        driver = s.page()
        keys = ActionChains(driver)
        for _ in range(10):
            if active_testid(driver) == "launcher":
                break
            keys.send_keys(Keys.TAB).perform()
        assert active_testid(driver) == "launcher", "Tab reaches the launcher"
        keys.send_keys(Keys.ENTER).perform()
        wait("the panel", lambda: displayed(driver, "panel"))
        wait("focus in the message box", lambda: active_testid(driver) == "input")
        keys.send_keys("Typed with the keyboard").send_keys(Keys.ENTER).perform()
        ana.wait_event("the keyboard message", lambda e: e.get("text") == "Typed with the keyboard")
        wait("the message in the list", lambda: ("visitor", "Typed with the keyboard") in widget_messages(driver))
        assert testid(driver, "input").get_attribute("value") == ""
        keys.send_keys(Keys.ESCAPE).perform()
        wait("the panel to close", lambda: not displayed(driver, "panel"))
        assert active_testid(driver) == "launcher", "focus back on the launcher"
        # Accessible names and the live region.
        assert testid(driver, "launcher").get_attribute("aria-label")
        assert testid(driver, "messages").get_attribute("aria-live") == "polite"
        no_console_errors(driver)

        # The server goes away: the header says so.
        testid(driver, "launcher").click()
        s.server.process.terminate()
        wait("'Reconnecting…'", lambda: testid(driver, "connection").text == "Reconnecting…")


def test_draft_previews_failed_send_and_queue():
    """With draft previews on: the notice shows and the agent sees the draft. A message the
    server refuses (over maxText) shows "Not sent · Retry". With the agent at capacity, a second
    visitor waits in the queue and is shown their position."""
    with Scene("--draft-previews", "on", "--max-text", "100") as s:
        ana = s.agent("ana", True, "--max-concurrent", "1")
        driver = s.page()
        open_widget(driver)
        wait("the draft notice", lambda: displayed(driver, "draft-notice"))
        assert "Agents can see what you type" in testid(driver, "draft-notice").text
        type_and_send(driver, "Hello")
        conversation = ana.wait_event("the question", lambda e: e.get("text") == "Hello")["conversation"]
        wait("active", lambda: ("system", "Ana joined the chat") in widget_messages(driver))
        testid(driver, "input").send_keys("my order number is 42")
        wait("the preview at the agent", lambda: any(
            m["conversation"] == conversation and any(t.get("preview", "").startswith("my order") for t in m.get("typers", []))
            for m in ana.messages("typers")))
        testid(driver, "input").send_keys(Keys.ENTER)
        ana.wait_event("the sent draft", lambda e: e.get("text") == "my order number is 42")

        # Refused by the server (INVALID_ARGUMENT): the bubble says so and offers a retry.
        type_and_send(driver, "x" * 150)
        wait("'Not sent · Retry'", lambda: displayed(driver, "retry"))
        bubble = find(driver, "li.failed")
        assert bubble is not None and "Not sent" in bubble.text, bubble and bubble.text
        testid(driver, "retry").click()
        wait("failed again", lambda: displayed(driver, "retry"))
        shot(driver, "widget-draft-notice-and-failed-send")
        assert widget_messages(driver).count(("visitor", "x" * 150)) == 1

        # A second visitor: Ana is at her limit (1), so they wait in the queue.
        second = harness.browser()
        try:
            second.get(s.server.url + "/")
            wait("the second widget", lambda: second.execute_script("return window.ParleyWidget?.client?.state === 'connected'"))
            open_widget(second)
            type_and_send(second, "Anyone there?")
            wait("the queue line", lambda: displayed(second, "queue-line")
                 and "You are number 1 in the queue" in testid(second, "queue-line").text)
            shot(second, "widget-queue")
            no_console_errors(second)
        finally:
            second.quit()
        no_console_errors(driver)


def test_prechat_form():
    """data-prechat="name,email": the fields become properties, the question the first message."""
    with Scene() as s:
        ana = s.agent("ana")
        driver = page_with_widget(s, team="support", prechat="name,email")
        open_widget(driver)
        wait("the pre-chat form", lambda: displayed(driver, "prechat-form"))
        assert not displayed(driver, "composer")
        assert active_testid(driver) == "field-name"
        testid(driver, "field-name").send_keys("Kari")
        testid(driver, "field-email").send_keys("kari@example.no")
        testid(driver, "field-message").send_keys("Is the lamp dimmable?")
        shot(driver, "widget-prechat")
        testid(driver, "start-submit").click()
        created = ana.wait_event("the conversation", lambda e: e["kind"] == "created")
        properties = {p["key"]: p["value"] for p in created.get("properties", [])}
        assert properties == {"name": "Kari", "email": "kari@example.no"}, properties
        ana.wait_event("the question", lambda e: e.get("text") == "Is the lamp dimmable?")
        wait("the composer after the form", lambda: displayed(driver, "composer") and not displayed(driver, "prechat-form"))
        wait("the question in the list", lambda: ("visitor", "Is the lamp dimmable?") in widget_messages(driver))
        assert active_testid(driver) == "input", "focus in the message box after the form"

        # The visitor ends the chat (two clicks: "End chat", "Confirm end").
        testid(driver, "end-chat").click()
        wait("the confirmation", lambda: testid(driver, "end-chat").text == "Confirm end")
        assert not ana.events("closed"), "one click does not end the chat"
        testid(driver, "end-chat").click()
        closed = ana.wait_event("the close", lambda e: e["kind"] == "closed")
        assert closed["closeReason"] == "byVisitor", closed
        wait("'You ended the chat' and the rating", lambda: ("system", "You ended the chat") in widget_messages(driver)
             and displayed(driver, "rating"))
        no_console_errors(driver, NOT_FOUND)


def test_offline_conversation_asks_for_the_email():
    """Without data-team the widget cannot watch the team's presence: the visitor writes, the
    conversation comes back offline (CONV-7), and the widget asks for the e-mail there."""
    with Scene() as s:
        driver = page_with_widget(s)
        open_widget(driver)
        assert displayed(driver, "composer") and not displayed(driver, "offline-form")
        type_and_send(driver, "Hello, anyone?")
        wait("the offline state", lambda: displayed(driver, "offline-state"))
        assert "Nobody is available right now" in testid(driver, "offline-state").text
        field = find(driver, "[data-testid=offline-state] input[type=email]")
        field.send_keys("ola@example.no")
        field.send_keys(Keys.ENTER)
        wait("the promise with the e-mail", lambda: "will answer at ola@example.no" in testid(driver, "offline-state").text)
        ana = s.agent("ana")
        ana.wait_event("the message", lambda e: e.get("text") == "Hello, anyone?")
        ana.wait_event("the e-mail property", lambda e: e["kind"] == "properties"
                       and {"key": "email", "value": "ola@example.no"} in e.get("properties", []))
        no_console_errors(driver, NOT_FOUND)


def test_lost_session_resyncs_from_history():
    """The page freezes (as a background tab does) until the server drops the connection and the
    session expires: the widget shows "Reconnecting…", then, on a new session (gap), reloads
    the history — the message sent meanwhile appears, nothing twice."""
    with Scene("--heartbeat-ms", "500", "--heartbeat-timeout-ms", "1500", "--resume-window-ms", "1000") as s:
        ana = s.agent("ana")
        driver = s.page()
        open_widget(driver)
        type_and_send(driver, "Before the freeze")
        conversation = ana.wait_event("the question", lambda e: e.get("text") == "Before the freeze")["conversation"]
        ana.send(conversation, "Answer before")
        expected = [("visitor", "Before the freeze"), ("system", "Ana joined the chat"), ("agent", "Answer before")]
        wait("the conversation", lambda: widget_messages(driver) == expected)
        session = driver.execute_script("return window.ParleyWidget.client.welcome.session")

        driver.execute_cdp_cmd("Page.setWebLifecycleState", {"state": "frozen"})
        ana.send(conversation, "Sent while you were away")
        time.sleep(3)  # heartbeat timeout (1.5 s) + resume window (1 s): the session is gone
        driver.execute_cdp_cmd("Page.setWebLifecycleState", {"state": "active"})

        expected.append(("agent", "Sent while you were away"))
        wait("the missed message", lambda: widget_messages(driver) == expected, timeout=15)
        assert driver.execute_script("return window.ParleyWidget.client.welcome.session") != session, "a new session"
        time.sleep(0.3)
        assert widget_messages(driver) == expected, widget_messages(driver)
        assert testid(driver, "connection").text == "Support team" and find(driver, "#ptitle").text == "Ana"
        no_console_errors(driver, "Back-Forward Cache")  # how Chromium reports the frozen page's socket
