import ParleyWire

/// What a scenario runs against: an in-memory server in unit tests, a real endpoint in the
/// conformance suite.
public protocol ScenarioEndpoint {
    /// Opens a connection for `client`.
    mutating func connect(_ client: String)
    /// Drops `client`'s connection without a goodbye.
    mutating func disconnect(_ client: String)
    /// Sends a message on `client`'s connection.
    mutating func send(_ message: Message, from client: String)
    /// Sends raw bytes; `false` if this endpoint cannot (the step is then reported skipped).
    mutating func sendRaw(_ bytes: [UInt8], from client: String) -> Bool
    /// The next thing that happened on `client`'s connection within `withinMs`: a message,
    /// the close, or `nil` for nothing.
    mutating func next(for client: String, withinMs: UInt64) -> EndpointOutput?
    /// Lets `milliseconds` of time pass.
    mutating func advance(milliseconds: UInt64)
}

/// Something a connection produced.
public enum EndpointOutput: Sendable, Hashable {
    /// A message from the server.
    case message(Message)
    /// The server closed the connection.
    case closed
}

/// The outcome of running one scenario.
public struct ScenarioResult: Sendable {
    /// The scenario's id.
    public var id: String
    /// The requirements it checks.
    public var requirements: [String]
    /// The first failure (step index and what went wrong), `nil` if it passed.
    public var failure: String?
    /// Steps the endpoint could not perform.
    public var skippedSteps: [Int]

    /// Whether every step passed.
    public var passed: Bool { failure == nil }
}

/// Runs scenarios step by step against an endpoint.
public enum ScenarioRunner {
    /// Message types an `expect` passes over unless it asks for them.
    static let background: Set<String> = ["ping", "pong", "presence", "typers", "queuePosition"]
    /// How long an `expect` waits for its message.
    public static var expectWithinMs: UInt64 { 2_000 }

    /// Runs `scenario` against `endpoint`, stopping at the first failing step.
    public static func run<E: ScenarioEndpoint>(_ scenario: Scenario, on endpoint: inout E) -> ScenarioResult {
        var matcher = ScenarioMatcher()
        var lastFatal: [String: UInt64] = [:]
        var skipped: [Int] = []
        func fail(_ index: Int, _ text: String) -> ScenarioResult {
            ScenarioResult(id: scenario.id, requirements: scenario.requirements, failure: "step \(index): \(text)", skippedSteps: skipped)
        }
        /// The next non-background message (or close), remembering fatal codes.
        func nextRelevant(_ client: String, wanted: String?, within: UInt64) -> EndpointOutput? {
            while let output = endpoint.next(for: client, withinMs: within) {
                guard case .message(let message) = output else { return output }
                if case .error(let error) = message, ErrorCode(rawValue: UInt32(clamping: error.code)).isFatal {
                    lastFatal[client] = error.code
                }
                if case .goodbye(let goodbye) = message { lastFatal[client] = goodbye.code }
                if background.contains(message.name) && wanted != message.name { continue }
                return output
            }
            return nil
        }

        for (index, step) in scenario.steps.enumerated() {
            switch step {
            case .connect(let client):
                lastFatal[client] = nil
                endpoint.connect(client)
            case .disconnect(let client):
                endpoint.disconnect(client)
            case .advance(let ms):
                endpoint.advance(milliseconds: ms)
            case .send(let client, let template):
                let text = matcher.substitute(template).text
                do {
                    endpoint.send(try Message.decodeJSON(Array(text.utf8)), from: client)
                } catch {
                    return fail(index, "the scenario's message does not decode: \(error) — \(text)")
                }
            case .sendRaw(let client, let hex):
                guard let bytes = bytes(hex) else { return fail(index, "bad hex") }
                if !endpoint.sendRaw(bytes, from: client) { skipped.append(index) }
            case .expect(let client, let expected):
                var wanted: String?
                if case .string(let name)? = expected["type"] { wanted = name }
                guard let output = nextRelevant(client, wanted: wanted, within: expectWithinMs) else {
                    return fail(index, "expected \(expected), got nothing")
                }
                guard case .message(let message) = output else { return fail(index, "expected \(expected), connection closed") }
                guard let actual = try? JSONValue.parse(message.json) else { return fail(index, "unparsable \(message)") }
                if let problem = matcher.match(expected, actual) { return fail(index, "\(problem) in \(actual)") }
            case .expectNothing(let client, let within):
                if let output = nextRelevant(client, wanted: nil, within: within) {
                    return fail(index, "expected nothing, got \(output)")
                }
            case .expectClosed(let client, let code):
                while true {
                    guard let output = nextRelevant(client, wanted: nil, within: expectWithinMs) else {
                        return fail(index, "expected the connection to close")
                    }
                    if case .closed = output { break }
                }
                if let code {
                    let wanted = ScenarioMatcher.codeValue(code)
                    guard let seen = lastFatal[client], wanted == .uint(seen) else {
                        return fail(index, "expected close with \(code), last fatal code \(lastFatal[client].map(String.init) ?? "none")")
                    }
                }
            }
        }
        return ScenarioResult(id: scenario.id, requirements: scenario.requirements, failure: nil, skippedSteps: skipped)
    }

    private static func bytes(_ hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        for i in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[i...i + 1], as: UTF8.self), radix: 16) else { return nil }
            out.append(byte)
        }
        return out
    }
}
