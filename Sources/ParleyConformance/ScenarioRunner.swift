import ParleyWire

/// Runs scenarios step by step against an endpoint.
public enum ScenarioRunner {
    /// Message types an `expect` passes over unless it asks for them.
    static let background: Set<String> = ["ping", "pong", "presence", "typers", "queuePosition"]
    /// How long an `expect` waits for its message unless the step says otherwise.
    public static let expectWithinMs: UInt64 = 2_000
    /// The most times a `repeat` runs; a count above skips the scenario.
    public static let maxRepeat: Int64 = 2_000

    /// Settings of one run.
    public struct Options: Sendable {
        /// Values a scenario may name as `$NAME` before capturing anything: credentials
        /// (`agentToken1`…, `supervisorToken`).
        public var seeds: [String: JSONValue]
        /// The number of agent credentials available (`agents:N` needs).
        public var agents: Int
        /// Scenarios whose `advance` steps add up to more are skipped (`nil`: no limit).
        public var maxWaitMs: UInt64?

        /// Options with the given credentials and wait limit.
        public init(seeds: [String: JSONValue] = [:], agents: Int = 0, maxWaitMs: UInt64? = nil) {
            self.seeds = seeds
            self.agents = agents
            self.maxWaitMs = maxWaitMs
        }
    }

    /// Why `scenario` cannot run on `endpoint` with `options`, `nil` if it can.
    public static func unmetNeed<E: ScenarioEndpoint>(_ scenario: Scenario, on endpoint: E, options: Options) -> String? {
        if scenario.agentsNeeded > options.agents {
            return "needs \(scenario.agentsNeeded) agent credentials, \(options.agents) given (--key or --agent-token)"
        }
        for need in scenario.needs where !need.hasPrefix("agents:") {
            if need.hasPrefix("seed:") {
                if options.seeds[String(need.dropFirst("seed:".count))] == nil { return "needs the credential \(need.dropFirst(5)) (--key)" }
            } else if !endpoint.capabilities.contains(need) {
                return "needs \(need)"
            }
        }
        if let limit = options.maxWaitMs, scenario.waitMs > limit {
            return "waits \(scenario.waitMs) ms (over --max-wait-ms \(limit))"
        }
        return nil
    }

    /// Runs `scenario` against `endpoint`, stopping at the first failing step, then runs its
    /// cleanup and closes every connection.
    public static func run<E: ScenarioEndpoint>(
        _ scenario: Scenario, on endpoint: inout E, options: Options = Options()
    ) async -> ScenarioResult {
        var result = ScenarioResult(id: scenario.id, requirements: scenario.requirements, status: .passed, detail: nil, log: [])
        if let reason = unmetNeed(scenario, on: endpoint, options: options) {
            result.status = .skipped
            result.detail = reason
            return result
        }
        var execution = Execution(matcher: ScenarioMatcher(captures: options.seeds), maxWaitMs: options.maxWaitMs)
        for (index, step) in scenario.steps.enumerated() {
            switch await execution.perform(step, on: &endpoint) {
            case .done: continue
            case .failed(let text):
                result.status = .failed
                result.detail = "step \(index + 1): \(text)"
            case .unsupported(let text):
                result.status = .skipped
                result.detail = "step \(index + 1): \(text)"
            }
            break
        }
        execution.quiet = true
        for step in scenario.cleanup { _ = await execution.perform(step, on: &endpoint) }
        await endpoint.closeAll()
        result.log = execution.log
        return result
    }

    /// The state of one run: captures, fatal codes seen, the log.
    struct Execution {
        enum Outcome: Error { case done, failed(String), unsupported(String) }

        var matcher: ScenarioMatcher
        /// Scenarios whose waits add up to more are skipped.
        var maxWaitMs: UInt64?
        var lastFatal: [String: UInt64] = [:]
        var log: [String] = []
        /// Cleanup: nothing is logged and nothing waits long.
        var quiet = false
        /// The time waited on purpose so far.
        var waitedMs: UInt64 = 0

        init(matcher: ScenarioMatcher, maxWaitMs: UInt64?) {
            self.matcher = matcher
            self.maxWaitMs = maxWaitMs
        }

        private mutating func note(_ line: String) { if !quiet { log.append(line) } }

        /// The next non-background output (or close) on `client`, remembering fatal codes.
        mutating func nextRelevant<E: ScenarioEndpoint>(
            _ client: String, wanted: String?, within: UInt64, on endpoint: inout E
        ) async -> EndpointOutput? {
            let deadline = endpoint.clockMs + within
            while let output = await endpoint.next(for: client, withinMs: endpoint.remainingMs(until: deadline)) {
                switch output {
                case .closed:
                    note("← \(client): (closed)")
                    return output
                case .undecodable(let problem):
                    note("← \(client): undecodable: \(problem)")
                    return output
                case .message(let message):
                    note("← \(client): \(String(decoding: message.json, as: UTF8.self))")
                    if case .error(let error) = message, ErrorCode(rawValue: UInt32(clamping: error.code)).isFatal {
                        lastFatal[client] = error.code
                    }
                    if case .goodbye(let goodbye) = message { lastFatal[client] = goodbye.code }
                    if background.contains(message.name) && wanted != message.name { continue }
                    return output
                }
            }
            return nil
        }

        mutating func perform<E: ScenarioEndpoint>(_ step: Scenario.Step, on endpoint: inout E) async -> Outcome {
            switch step {
            case .connect(let client, let silent, let deflate):
                lastFatal[client] = nil
                do {
                    let negotiated = try await endpoint.connect(client, answeringPings: !silent, offeringDeflate: deflate)
                    note("→ \(client): (connect\(silent ? ", answering no ping" : "")\(deflate ? ", offering permessage-deflate" : ""))")
                    if !negotiated { return .unsupported("the server did not accept permessage-deflate (or the binding has none)") }
                } catch {
                    return .failed("could not connect \(client): \(error)")
                }
            case .disconnect(let client):
                note("→ \(client): (drop the connection)")
                await endpoint.disconnect(client)
            case .advance(let amount):
                let ms: UInt64
                switch milliseconds(amount, otherwise: 0) {
                case .success(let value): ms = value
                case .failure(let outcome): return outcome
                }
                if let maxWaitMs, waitedMs + ms > maxWaitMs {
                    let how = amount.isScaled ? ", \(amount) with the announced values: run it against a server with short timers" : ""
                    return .unsupported("waits \(waitedMs + ms) ms (over --max-wait-ms \(maxWaitMs)\(how))")
                }
                waitedMs += ms
                note("… \(ms) ms\(amount.isScaled ? " (\(amount))" : "")")
                await endpoint.advance(milliseconds: ms)
            case .repeating(let count, let steps):
                let times: Int64
                switch count.evaluate(matcher.captures) {
                case .success(let value): times = value
                case .failure(let unresolved): return .unsupported("\(count): \(unresolved)")
                }
                if times > maxRepeat { return .unsupported("repeats \(times) times (\(count)), over the runner's \(maxRepeat)") }
                if times > 0 {
                    for i in 1...times {
                        matcher.store("i", .uint(UInt64(i)))
                        for step in steps {
                            let outcome = await perform(step, on: &endpoint)
                            if case .done = outcome { continue }
                            return outcome
                        }
                    }
                }
            case .assume(let amount, let because):
                switch amount.evaluate(matcher.captures) {
                case .success(let value) where value >= 0: break
                case .success(let value): return .unsupported("\(because) (\(amount) is \(value))")
                case .failure(let unresolved): return .unsupported("\(because) (\(unresolved))")
                }
            case .send(let client, let template):
                let text = matcher.substitute(template).text
                do {
                    let message = try Message.decodeJSON(Array(text.utf8))
                    note("→ \(client): \(text)")
                    await endpoint.send(message, from: client)
                } catch {
                    return .failed("the scenario's message does not decode: \(error) — \(text)")
                }
            case .sendRaw(let client, let hex):
                return await raw(.stream, hex, client, &endpoint)
            case .sendPayload(let client, let hex):
                return await raw(.payload, hex, client, &endpoint)
            case .sendCompressed(let client, let template):
                let text = matcher.substitute(template).text
                guard let message = try? Message.decodeJSON(Array(text.utf8)) else {
                    return .failed("the scenario's message does not decode: \(text)")
                }
                note("→ \(client): compressed \(text)")
                if !(await endpoint.sendCompressed(message, from: client)) { return .unsupported("compressed messages need permessage-deflate") }
            case .sendDeflated(let client, let hex):
                guard let bytes = Scenario.bytes(hex) else { return .failed("bad hex in the scenario") }
                note("→ \(client): deflated \(hex.prefix(80))\(hex.count > 80 ? "…" : "") (\(bytes.count) bytes)")
                if !(await endpoint.send(.deflated(bytes), from: client)) { return .unsupported("compressed messages need permessage-deflate") }
            case .sendText(let client, let bytes):
                note("→ \(client): text \(String(decoding: bytes, as: UTF8.self).debugDescription)")
                if !(await endpoint.send(.text(bytes), from: client)) { return .unsupported("WebSocket text messages need a WebSocket endpoint") }
            case .expect(let client, let template, let within, let skipOthers, let orSkip):
                let expected = matcher.substitute(template, codes: false)
                var wanted: String?
                if case .string(let name)? = expected["type"] { wanted = name }
                let limit: UInt64
                switch milliseconds(within, otherwise: expectWithinMs) {
                case .success(let value): limit = value
                case .failure(let outcome): return outcome
                }
                let deadline = endpoint.clockMs + (quiet ? 500 : limit)
                var skipped = 0
                while true {
                    let output = await nextRelevant(client, wanted: wanted, within: endpoint.remainingMs(until: deadline), on: &endpoint)
                    let others = skipped > 0 ? " (after \(skipped) other messages)" : ""
                    guard let output else { return .failed("expected \(expected) on \(client), got nothing\(others)") }
                    switch output {
                    case .closed: return .failed("expected \(expected) on \(client), the connection closed\(others)")
                    case .undecodable(let problem): return .failed("expected \(expected) on \(client), got bytes that do not decode: \(problem)")
                    case .message(let message):
                        guard let actual = try? JSONValue.parse(message.json) else { return .failed("unparsable \(message)") }
                        guard let problem = matcher.match(template, actual) else { return .done }
                        if orSkip { return .unsupported("the server does not offer what this check needs: \(problem)") }
                        if !skipOthers { return .failed("expected \(expected) on \(client): \(problem)") }
                        skipped += 1
                    }
                }
            case .expectNothing(let client, let amount, let type):
                let within: UInt64
                switch milliseconds(amount, otherwise: 0) {
                case .success(let value): within = value
                case .failure(let outcome): return outcome
                }
                if let output = await nextRelevant(client, wanted: type, within: within, on: &endpoint) {
                    return .failed("expected nothing\(type.map { " (no \($0))" } ?? "") on \(client) within \(within) ms, got \(output.summary)")
                }
            case .upgrade(let protocols, let extensions, let origin, let response, let orSkip):
                note("→ (upgrade) protocols \(protocols ?? "none"), extensions \(extensions), origin \(origin ?? "none")")
                guard let head = await endpoint.upgrade(protocols: protocols, extensions: extensions, origin: origin) else {
                    return .unsupported("upgrade requests need a WebSocket endpoint")
                }
                let answer = UpgradeAnswer(head: head).json
                note("← (upgrade) \(answer.text)")
                if let problem = matcher.match(response, answer) {
                    return orSkip ? .unsupported("the server does not offer what this check needs: \(problem)")
                        : .failed("expected the upgrade answer \(response.text): \(problem)")
                }
            case .expectClosed(let client, let code, let webSocketStatus, let within):
                let limit: UInt64
                switch milliseconds(within, otherwise: expectWithinMs) {
                case .success(let value): limit = value
                case .failure(let outcome): return outcome
                }
                let deadline = endpoint.clockMs + limit
                while true {
                    guard let output = await nextRelevant(client, wanted: nil, within: endpoint.remainingMs(until: deadline), on: &endpoint) else {
                        return .failed("expected \(client)'s connection to close\(code.map { " with \($0)" } ?? "")")
                    }
                    if case .closed = output { break }
                }
                if let code {
                    let wanted = ScenarioMatcher.codeValue(code)
                    guard let seen = lastFatal[client], wanted == .uint(seen) else {
                        return .failed("expected \(client)'s connection to close with \(code), last fatal code \(lastFatal[client].map(String.init) ?? "none")")
                    }
                }
                if let webSocketStatus {
                    let seen = endpoint.webSocketCloseStatus(for: client)
                    guard seen.map(UInt64.init) == webSocketStatus else {
                        return .failed("expected \(client)'s WebSocket close status \(webSocketStatus), got \(seen.map(String.init) ?? "no close frame")")
                    }
                }
            }
            return .done
        }

        /// `amount` in milliseconds (`otherwise` when the step gives none), or the outcome of a
        /// step that cannot work it out (a value the server did not announce skips the scenario;
        /// a negative sum fails it).
        private func milliseconds(_ amount: ScenarioAmount?, otherwise: UInt64) -> Result<UInt64, Outcome> {
            guard let amount else { return .success(otherwise) }
            return switch amount.evaluate(matcher.captures) {
            case .success(let value) where value >= 0: .success(UInt64(value))
            case .success(let value): .failure(.failed("\(amount) is \(value) ms with the announced values: the server's timers contradict each other"))
            case .failure(let unresolved): .failure(.unsupported("\(amount): \(unresolved)"))
            }
        }

        private enum RawKind { case stream, payload }

        private mutating func raw<E: ScenarioEndpoint>(_ kind: RawKind, _ hex: String, _ client: String, _ endpoint: inout E) async -> Outcome {
            guard let bytes = Scenario.bytes(hex) else { return .failed("bad hex in the scenario") }
            note("→ \(client): \(kind == .stream ? "bytes" : "payload") \(hex.prefix(80))\(hex.count > 80 ? "…" : "")")
            let input: RawInput = kind == .stream ? .stream(bytes) : .payload(bytes)
            if await endpoint.send(input, from: client) { return .done }
            return .unsupported(kind == .stream ? "raw bytes need the byte-stream binding" : "binary payloads need the binary encoding")
        }
    }
}

extension EndpointOutput {
    /// A one-line description for reports.
    var summary: String {
        switch self {
        case .message(let message): String(decoding: message.json, as: UTF8.self)
        case .undecodable(let problem): "undecodable bytes (\(problem))"
        case .closed: "the close of the connection"
        }
    }
}

extension ScenarioEndpoint {
    /// The milliseconds left until `deadline` on the endpoint's clock, 0 once it has passed.
    func remainingMs(until deadline: UInt64) -> UInt64 {
        deadline - min(deadline, clockMs)
    }
}
