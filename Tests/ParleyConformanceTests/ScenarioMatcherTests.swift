import ParleyConformance
import Testing

@Suite struct ScenarioMatcherTests {
    private func json(_ text: String) throws -> JSONValue { try JSONValue.parse(Array(text.utf8)) }

    @Test func subsetMatchingWithAnyAbsentAndCodeNames() throws {
        var matcher = ScenarioMatcher()
        let actual = try json(#"{"type":"error","rid":4,"code":2009,"message":"slow down","retryAfterMs":1000}"#)
        #expect(matcher.match(try json(#"{"type":"error","code":"RATE_LIMITED","retryAfterMs":"$any"}"#), actual) == nil)
        #expect(matcher.match(try json(#"{"rid":4,"requirement":"$absent"}"#), actual) == nil)
        #expect(matcher.match(try json(#"{"message":"$absent"}"#), actual) != nil)
        #expect(matcher.match(try json(#"{"code":"IDEMPOTENCY_CONFLICT"}"#), actual) != nil)
        #expect(matcher.match(try json(#"{"retryAfterMs":"$any","extra":"$any"}"#), actual) != nil)
    }

    @Test func arraysMatchElementByElementWithTheSameLength() throws {
        var matcher = ScenarioMatcher()
        let actual = try json(#"{"versions":[2,1]}"#)
        #expect(matcher.match(try json(#"{"versions":[2,1]}"#), actual) == nil)
        #expect(matcher.match(try json(#"{"versions":[2]}"#), actual) != nil)
        #expect(matcher.match(try json(#"{"versions":[1,2]}"#), actual) != nil)
    }

    @Test func capturesAreReusedInLaterExpectationsAndMessages() throws {
        var matcher = ScenarioMatcher()
        #expect(matcher.match(try json(#"{"resumeToken":"$capture:token"}"#), try json(#"{"resumeToken":"abc","rid":1}"#)) == nil)
        #expect(matcher.captures["token"] == .string("abc"))
        #expect(matcher.match(try json(#"{"t":"$token"}"#), try json(#"{"t":"abc"}"#)) == nil)
        #expect(matcher.match(try json(#"{"t":"$token"}"#), try json(#"{"t":"abd"}"#)) != nil)
        // A failed match records nothing.
        #expect(matcher.match(try json(#"{"a":"$capture:x","b":1}"#), try json(#"{"a":5,"b":2}"#)) != nil)
        #expect(matcher.captures["x"] == nil)
        let message = matcher.substitute(try json(#"{"type":"hello","resume":{"token":"$token","lastSeq":0},"code":"GOING_AWAY"}"#))
        #expect(message == (try json(#"{"type":"hello","resume":{"token":"abc","lastSeq":0},"code":2018}"#)))
    }

    @Test func scenarioStepsParse() throws {
        let scenario = try Scenario.parse(Array(#"""
        {"id":"x","requirements":["SESSION-1"],"steps":[{"client":"v","connect":{}},{"advance":5},
         {"client":"v","expectNothing":{}},{"client":"v","expectClosed":{"code":"AUTH_FAILED"}},{"client":"v","disconnect":{}}]}
        """#.utf8))
        #expect(scenario.steps == [.connect(client: "v"), .advance(5), .expectNothing(client: "v", withinMs: 200, type: nil),
                                   .expectClosed(client: "v", code: .string("AUTH_FAILED")), .disconnect(client: "v")])
        #expect(throws: Scenario.FormatError.self) { try Scenario.parse(Array(#"{"id":"x","steps":[{"client":"v","fly":{}}]}"#.utf8)) }
    }

    @Test func conformanceStepsParse() throws {
        let scenario = try Scenario.parse(Array(#"""
        {"id":"y","needs":["agents:2","binding:stream"],"steps":[{"client":"v","sendRaw":"0100"},{"client":"v","sendPayload":"030805"},
         {"client":"v","sendText":"{}"},{"client":"v","sendTextHex":"c328"},{"client":"v","expect":{"type":"pong"},"withinMs":9,"skipOthers":true},
         {"client":"v","expectNothing":{"type":"typers","withinMs":50}},{"advance":7}],"cleanup":[{"client":"v","disconnect":{}}]}
        """#.utf8))
        #expect(scenario.steps == [.sendRaw(client: "v", hex: "0100"), .sendPayload(client: "v", hex: "030805"),
                                   .sendText(client: "v", bytes: Array("{}".utf8)), .sendText(client: "v", bytes: [0xc3, 0x28]),
                                   .expect(client: "v", message: .object(["type": .string("pong")]), withinMs: 9, skipOthers: true),
                                   .expectNothing(client: "v", withinMs: 50, type: "typers"), .advance(7)])
        #expect(scenario.cleanup == [.disconnect(client: "v")])
        #expect(scenario.agentsNeeded == 2)
        #expect(scenario.waitMs == 7)
    }

    @Test func rangesMatchIntegersWithinTheirBounds() throws {
        var matcher = ScenarioMatcher()
        #expect(matcher.match(try json(#"{"n":"$range:1..2000"}"#), try json(#"{"n":1999}"#)) == nil)
        #expect(matcher.match(try json(#"{"n":"$range:1..2000"}"#), try json(#"{"n":2001}"#)) != nil)
        #expect(matcher.match(try json(#"{"n":"$range:1..2000"}"#), try json(#"{"n":"7"}"#)) != nil)
    }
}

@Suite struct ConformanceStepTests {
    @Test func namesInsideStringsAreSubstituted() throws {
        var matcher = ScenarioMatcher()
        #expect(matcher.match(try JSONValue.parse(Array(#"{"u":"$capture:agent1"}"#.utf8)), .object(["u": .string("ann")])) == nil)
        let sent = matcher.substitute(try JSONValue.parse(Array(#"{"topic":"presence:user:$agent1","text":"costs $5 or $agent12"}"#.utf8)))
        #expect(sent == .object(["topic": .string("presence:user:ann"), "text": .string("costs $5 or $agent12")]))
    }

    @Test func upgradeCloseStatusAndOrSkipStepsParse() throws {
        let scenario = try Scenario.parse(Array(#"""
        {"id":"z","steps":[{"upgrade":{"protocols":"parley.v1.json","extensions":["permessage-deflate"]},"response":{"status":101},"orSkip":true},
         {"client":"v","expectClosed":{"code":"INVALID_JSON","webSocketStatus":1008}},{"client":"v","expect":{"type":"welcome"},"orSkip":true}]}
        """#.utf8))
        #expect(scenario.steps == [
            .upgrade(protocols: "parley.v1.json", extensions: ["permessage-deflate"], origin: nil, response: .object(["status": .uint(101)]), orSkip: true),
            .expectClosed(client: "v", code: .string("INVALID_JSON"), webSocketStatus: 1008),
            .expect(client: "v", message: .object(["type": .string("welcome")]), withinMs: nil, skipOthers: false, orSkip: true)])
    }

    @Test func upgradeAnswersBecomeJSON() {
        let head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nsec-websocket-protocol: parley.v1.json\r\n"
            + "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=\"10\"; server_no_context_takeover, x-other\r\n\r\n"
        let answer = UpgradeAnswer(head: Array(head.utf8)).json
        #expect(answer == .object([
            "status": .uint(101), "protocol": .string("parley.v1.json"),
            "extensions": .array([.object(["name": .string("permessage-deflate"), "server_max_window_bits": .uint(10), "server_no_context_takeover": .bool(true)]),
                                  .object(["name": .string("x-other")])])]))
        #expect(UpgradeAnswer(head: Array("HTTP/1.1 400 Bad Request\r\n\r\n".utf8)).json == .object(["status": .uint(400)]))
        #expect(UpgradeAnswer(head: []).json == .object(["status": .uint(0)]))
    }
}
