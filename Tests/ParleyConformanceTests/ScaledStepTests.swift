import ParleyConformance
import ParleyWire
import Testing

/// Amounts that follow announced values, `repeat` and `assume` (Spec/scenarios/README.md), run
/// against a scripted endpoint with a simulated clock.
@Suite struct ScaledStepTests {
    @Test func amountsParseAndEvaluate() throws {
        let amount = try #require(ScenarioAmount(.string("$heartbeatTimeoutMs - $heartbeatMs+500")))
        #expect(amount.isScaled && amount.constant == nil)
        #expect(amount.description == "$heartbeatTimeoutMs-$heartbeatMs+500")
        let captures: [String: JSONValue] = ["heartbeatTimeoutMs": .uint(3000), "heartbeatMs": .uint(1000)]
        #expect(try amount.evaluate(captures).get() == 2500)
        #expect(throws: ScenarioAmount.Unresolved.self) { try amount.evaluate(["heartbeatMs": .uint(1)]).get() }
        #expect(throws: ScenarioAmount.Unresolved.self) { try amount.evaluate(["heartbeatTimeoutMs": .string("3000"), "heartbeatMs": .uint(1)]).get() }
        #expect(ScenarioAmount(.uint(7))?.constant == 7)
        #expect(ScenarioAmount(.string("100-40"))?.constant == 60)
        #expect(ScenarioAmount(.string("100-40"))?.isScaled == false)
        for bad in ["", "$", "5+", "+5", "5*2", "$a+", "abc", "5 $a"] { #expect(ScenarioAmount(.string(bad)) == nil, "\(bad)") }
        #expect(ScenarioAmount(.bool(true)) == nil)
    }

    @Test func scaledStepsParse() throws {
        let scenario = try Scenario.parse(Array(#"""
        {"id":"z","steps":[{"client":"v","connect":{"silent":true}},{"advance":"$x-5"},{"assume":"$a-$b","because":"why"},
         {"repeat":"$n","steps":[{"client":"v","send":{"type":"ping","nonce":"$i"}}]},
         {"client":"v","expectClosed":{"code":"HEARTBEAT_TIMEOUT","withinMs":"$t+1"}}]}
        """#.utf8))
        #expect(scenario.isScaled)
        #expect(scenario.steps.first == .connect(client: "v", silent: true))
        #expect(throws: Scenario.FormatError.self) { try Scenario.parse(Array(#"{"id":"x","steps":[{"advance":"soon"}]}"#.utf8)) }
        #expect(throws: Scenario.FormatError.self) { try Scenario.parse(Array(#"{"id":"x","steps":[{"repeat":3}]}"#.utf8)) }
        let fixed = try Scenario.parse(Array(#"{"id":"f","steps":[{"advance":5}]}"#.utf8))
        #expect(!fixed.isScaled)
    }

    @Test func repeatCountsFromCapturesAndNumbersTheSteps() async throws {
        var endpoint = ScriptedEndpoint(welcomeLimits: ["maxUnackedEvents": .uint(3)])
        let result = await ScenarioRunner.run(try scenario(#"""
            {"client":"v","expect":{"type":"welcome","limits":{"maxUnackedEvents":"$capture:bound"}}},
            {"repeat":"$bound","steps":[{"client":"v","send":{"type":"ping","nonce":"$i"}},{"client":"v","expect":{"type":"pong","nonce":"$i"}}]}
            """#), on: &endpoint)
        #expect(result.status == .passed, "\(result.detail ?? "")")
        #expect(endpoint.pingsReceived == [1, 2, 3])
    }

    @Test func assumeSkipsWhenTheAnnouncedValuesDoNotAllowTheCheck() async throws {
        var endpoint = ScriptedEndpoint(welcomeLimits: ["messageBurst": .uint(10), "maxUnackedEvents": .uint(4096)])
        let result = await ScenarioRunner.run(try scenario(#"""
            {"client":"v","expect":{"type":"welcome","limits":{"messageBurst":"$capture:burst","maxUnackedEvents":"$capture:bound"}}},
            {"assume":"$burst+1-$bound","because":"needs a small bound"},
            {"client":"v","send":{"type":"ping","nonce":1}}
            """#), on: &endpoint)
        #expect(result.status == .skipped)
        #expect(result.detail?.contains("needs a small bound") == true)
        #expect(endpoint.pingsReceived.isEmpty)
    }

    @Test func scaledWaitsCountAgainstTheLimitWhenTheyRun() async throws {
        var endpoint = ScriptedEndpoint(welcomeLimits: ["answerTimeoutMs": .uint(60_000)])
        let steps = #"""
            {"client":"v","expect":{"type":"welcome","limits":{"answerTimeoutMs":"$capture:answerTimeoutMs"}}},
            {"advance":"$answerTimeoutMs-600"}
            """#
        let skipped = await ScenarioRunner.run(try scenario(steps), on: &endpoint, options: .init(maxWaitMs: 5_000))
        #expect(skipped.status == .skipped)
        #expect(skipped.detail?.contains("59400") == true)
        #expect(endpoint.clockMs == 0)
        var short = ScriptedEndpoint(welcomeLimits: ["answerTimeoutMs": .uint(2_000)])
        let ran = await ScenarioRunner.run(try scenario(steps), on: &short, options: .init(maxWaitMs: 5_000))
        #expect(ran.status == .passed)
        #expect(short.clockMs == 1_400)
    }

    @Test func aNameNeverCapturedSkipsAndANegativeWaitFails() async throws {
        var endpoint = ScriptedEndpoint(welcomeLimits: ["heartbeatMs": .uint(1_000)])
        let missing = await ScenarioRunner.run(try scenario(#"{"advance":"$typingExpiryMs"}"#), on: &endpoint)
        #expect(missing.status == .skipped)
        let negative = await ScenarioRunner.run(try scenario(#"""
            {"client":"v","expect":{"type":"welcome","limits":{"heartbeatMs":"$capture:heartbeatMs"}}},
            {"advance":"$heartbeatMs-2000"}
            """#), on: &endpoint)
        #expect(negative.status == .failed)
    }

    private func scenario(_ steps: String) throws -> Scenario {
        try Scenario.parse(Array((#"{"id":"t","requirements":["SESSION-1"],"steps":[{"client":"v","connect":{}},"# + steps + "]}").utf8))
    }
}

/// Test code: a server that welcomes each connection at once with the given limits and answers
/// pings, on a simulated clock.
private struct ScriptedEndpoint: ScenarioEndpoint {
    var welcomeLimits: [String: JSONValue]
    var pending: [Message] = []
    var pingsReceived: [UInt64] = []
    var clockMs: UInt64 = 0
    var capabilities: Set<String> { [] }

    mutating func connect(_ client: String, answeringPings: Bool, offeringDeflate: Bool) throws -> Bool {
        var limits = Wire.Limits(
            maxFrame: 1, maxMessage: 1, maxText: 1, messageRate: 1, messageBurst: 1, typingRate: 1, typingBurst: 1,
            presenceRate: 1, presenceBurst: 1, heartbeatMs: 1, heartbeatTimeoutMs: 1, resumeWindowMs: 1, maxSubscriptions: 1,
            idempotencyWindowMs: 1, handshakeTimeoutMs: 1, maxAttachments: 1, historyPageMax: 1)
        defer { pending.append(.welcome(Wire.Welcome(
            rid: 1, version: 1, session: "s", resumeToken: "r", identity: Wire.Identity(user: "u", role: .visitor), limits: limits, serverTime: 0))) }
        for (name, value) in welcomeLimits {
            guard case .uint(let number) = value else { continue }
            switch name {
            case "maxUnackedEvents": limits.maxUnackedEvents = number
            case "messageBurst": limits.messageBurst = number
            case "answerTimeoutMs": limits.answerTimeoutMs = number
            case "heartbeatMs": limits.heartbeatMs = number
            default: Issue.record("ScriptedEndpoint cannot announce \(name)")
            }
        }
        return !offeringDeflate
    }

    mutating func disconnect(_ client: String) {}
    mutating func send(_ message: Message, from client: String) {
        guard case .ping(let ping) = message else { return }
        pingsReceived.append(ping.nonce)
        pending.append(.pong(Wire.Pong(nonce: ping.nonce)))
    }
    mutating func send(_ input: RawInput, from client: String) -> Bool { false }
    mutating func next(for client: String, withinMs: UInt64) -> EndpointOutput? {
        if pending.isEmpty { clockMs += withinMs; return nil }
        return .message(pending.removeFirst())
    }
    mutating func advance(milliseconds: UInt64) { clockMs += milliseconds }
    mutating func closeAll() {}
}
