import Foundation

/// One wire-level scenario (Spec/scenarios/README.md): scripted client steps and the
/// replies expected, citing the requirements it checks.
public struct Scenario: Sendable {
    /// One step of the script.
    public indirect enum Step: Sendable, Hashable {
        /// A new connection for `client`; unless `silent`, it answers every ping with a pong at
        /// once, as a live client does (SESSION-26), so long waits outlast the heartbeat timeout.
        /// With `deflate`, a WebSocket connection offers permessage-deflate (the scenario is
        /// skipped if the server declines it or the binding is not WebSocket).
        case connect(client: String, silent: Bool = false, deflate: Bool = false)
        /// `client` closes its connection.
        case disconnect(client: String)
        /// A message in the JSON encoding, `$NAME` references not yet substituted.
        case send(client: String, message: JSONValue)
        /// Bytes for the byte-stream binding, sent exactly as given.
        case sendRaw(client: String, hex: String)
        /// A binary message payload (no frame header): framed on a byte stream, one binary
        /// WebSocket message on WebSocket (under `parley.v1.json`, the wrong kind: WS-2).
        case sendPayload(client: String, hex: String)
        /// A WebSocket text message holding these bytes (under `parley.v1.binary`, the wrong
        /// kind: WS-2).
        case sendText(client: String, bytes: [UInt8])
        /// A message in the JSON encoding (as `send`), compressed with the connection's
        /// permessage-deflate (COMP-15).
        case sendCompressed(client: String, message: JSONValue)
        /// Raw DEFLATE bytes sent as one compressed WebSocket message (RSV1 set) of the
        /// connection's kind, exactly as given: corrupt data, a decompression bomb.
        case sendDeflated(client: String, hex: String)
        /// The next relevant message must match; `withinMs` overrides the runner's default wait;
        /// with `skipOthers`, messages that do not match are passed over until one does; with
        /// `orSkip`, a mismatch skips the scenario instead of failing it (the server lacks an
        /// optional feature the rest of the scenario needs).
        case expect(client: String, message: JSONValue, withinMs: ScenarioAmount?, skipOthers: Bool, orSkip: Bool = false)
        /// No relevant message (or none of `type`, even a background one) within `withinMs`.
        case expectNothing(client: String, withinMs: ScenarioAmount, type: String?)
        /// The connection closes (within `withinMs`, else the runner's default wait); the code,
        /// by name or number, if given; `webSocketStatus`, the status of the WebSocket close
        /// frame, if given.
        case expectClosed(client: String, code: JSONValue?, webSocketStatus: UInt64? = nil, withinMs: ScenarioAmount? = nil)
        /// A WebSocket upgrade request of its own offering `protocols` (absent: no
        /// `Sec-WebSocket-Protocol`) and one `Sec-WebSocket-Extensions` field per element of
        /// `extensions`, and an `Origin` field when `origin` is given (WS-6); the answer, as
        /// ``UpgradeAnswer`` describes it, must match `response`.
        /// With `orSkip`, a mismatch skips the scenario.
        case upgrade(protocols: String?, extensions: [String], origin: String?, response: JSONValue, orSkip: Bool)
        /// Time passes.
        case advance(ScenarioAmount)
        /// `steps`, `count` times, with `$i` standing for 1, 2, … in them.
        case repeating(count: ScenarioAmount, steps: [Step])
        /// The rest of the scenario needs `amount` ≥ 0 (a relation between announced limits);
        /// otherwise the scenario is skipped, saying `because`.
        case assume(ScenarioAmount, because: String)
    }

    /// The scenario's id.
    public var id: String
    /// The requirement ids it checks.
    public var requirements: [String]
    /// What it shows.
    public var description: String
    /// What the scenario needs to run (format README: `testHost`, `agents:N`, `seed:NAME`,
    /// `binding:stream`, `binding:json`, `binding:binary`); runners skip what they cannot provide.
    public var needs: [String]
    /// The script.
    public var steps: [Step]
    /// Steps run after the script whatever its outcome, failures ignored: they put the server
    /// back as it was (close conversations, stop accepting) so later scenarios start clean.
    public var cleanup: [Step]

    /// Creates a scenario from its parts.
    public init(id: String, requirements: [String], description: String = "", needs: [String] = [], steps: [Step], cleanup: [Step] = []) {
        self.id = id
        self.requirements = requirements
        self.description = description
        self.needs = needs
        self.steps = steps
        self.cleanup = cleanup
    }

    /// The number of agent credentials the scenario needs (`agents:N`).
    public var agentsNeeded: Int {
        needs.compactMap { $0.hasPrefix("agents:") ? Int($0.dropFirst("agents:".count)) : nil }.max() ?? 0
    }

    /// The real time the script waits on purpose (its constant `advance` steps), in
    /// milliseconds; waits that follow announced values are counted as they run.
    public var waitMs: UInt64 {
        steps.reduce(0) { total, step in if case .advance(let amount) = step { total + (amount.constant ?? 0) } else { total } }
    }

    /// Whether the script follows values the server announces (waits from its timers,
    /// counts from its limits): such checks run in full against a server started with short
    /// timers and small limits (Spec/conformance.md).
    public var isScaled: Bool { steps.contains(where: \.isScaled) }

    /// Why a scenario file could not be read.
    public struct FormatError: Error, CustomStringConvertible {
        /// What is wrong, and where.
        public var description: String
    }

    /// Parses a scenario file's JSON text.
    public static func parse(_ bytes: [UInt8]) throws -> Scenario {
        let root = try JSONValue.parse(bytes)
        guard case .string(let id)? = root["id"], case .array(let rawSteps)? = root["steps"] else {
            throw FormatError(description: "a scenario needs a string 'id' and an array 'steps'")
        }
        var description = ""
        if case .string(let text)? = root["description"] { description = text }
        let steps = try rawSteps.enumerated().map { index, raw in try step(raw, index: index, scenario: id) }
        var cleanup: [Step] = []
        if case .array(let rawCleanup)? = root["cleanup"] {
            cleanup = try rawCleanup.enumerated().map { index, raw in try step(raw, index: index, scenario: id + " cleanup") }
        }
        return Scenario(id: id, requirements: strings(root["requirements"]), description: description,
                        needs: strings(root["needs"]), steps: steps, cleanup: cleanup)
    }

    private static func strings(_ value: JSONValue?) -> [String] {
        guard case .array(let list)? = value else { return [] }
        return list.compactMap { if case .string(let text) = $0 { text } else { nil } }
    }

    private static func step(_ raw: JSONValue, index: Int, scenario: String) throws -> Step {
        guard case .object(let members) = raw else { throw FormatError(description: "\(scenario) step \(index): not an object") }
        if let value = members["advance"] { return .advance(try amount(value, scenario, index)) }
        if let value = members["repeat"] {
            guard case .array(let inner)? = members["steps"] else { throw FormatError(description: "\(scenario) step \(index): a repeat needs 'steps'") }
            let steps = try inner.enumerated().map { offset, raw in try step(raw, index: offset, scenario: "\(scenario) step \(index)") }
            return .repeating(count: try amount(value, scenario, index), steps: steps)
        }
        if let value = members["assume"] {
            var because = ""
            if case .string(let text)? = members["because"] { because = text }
            return .assume(try amount(value, scenario, index), because: because)
        }
        if let request = members["upgrade"] {
            var protocols: String?
            if case .string(let text)? = request["protocols"] { protocols = text }
            var origin: String?
            if case .string(let text)? = request["origin"] { origin = text }
            return .upgrade(protocols: protocols, extensions: strings(request["extensions"]), origin: origin,
                            response: members["response"] ?? .object([:]), orSkip: members["orSkip"] == .bool(true))
        }
        guard case .string(let client)? = members["client"] else {
            throw FormatError(description: "\(scenario) step \(index): no 'client'")
        }
        if let options = members["connect"] {
            return .connect(client: client, silent: options["silent"] == .bool(true), deflate: options["deflate"] == .bool(true))
        }
        if let message = members["sendCompressed"] { return .sendCompressed(client: client, message: message) }
        if case .string(let hex)? = members["sendDeflatedHex"] { return .sendDeflated(client: client, hex: hex) }
        if members["disconnect"] != nil { return .disconnect(client: client) }
        if let message = members["send"] { return .send(client: client, message: message) }
        if case .string(let hex)? = members["sendRaw"] { return .sendRaw(client: client, hex: hex) }
        if case .string(let hex)? = members["sendPayload"] { return .sendPayload(client: client, hex: hex) }
        if case .string(let text)? = members["sendText"] { return .sendText(client: client, bytes: Array(text.utf8)) }
        if case .string(let hex)? = members["sendTextHex"] {
            guard let bytes = Self.bytes(hex) else { throw FormatError(description: "\(scenario) step \(index): bad hex") }
            return .sendText(client: client, bytes: bytes)
        }
        if let message = members["expect"] {
            let within = try members["withinMs"].map { try amount($0, scenario, index) }
            return .expect(
                client: client, message: message, withinMs: within, skipOthers: members["skipOthers"] == .bool(true),
                orSkip: members["orSkip"] == .bool(true))
        }
        if let nothing = members["expectNothing"] {
            let within = try nothing["withinMs"].map { try amount($0, scenario, index) } ?? ScenarioAmount(200)
            var type: String?
            if case .string(let name)? = nothing["type"] { type = name }
            return .expectNothing(client: client, withinMs: within, type: type)
        }
        if let closed = members["expectClosed"] {
            var status: UInt64?
            if case .uint(let value)? = closed["webSocketStatus"] { status = value }
            let within = try closed["withinMs"].map { try amount($0, scenario, index) }
            return .expectClosed(client: client, code: closed["code"], webSocketStatus: status, withinMs: within)
        }
        throw FormatError(description: "\(scenario) step \(index): unknown step \(raw)")
    }

    private static func amount(_ value: JSONValue, _ scenario: String, _ index: Int) throws -> ScenarioAmount {
        guard let amount = ScenarioAmount(value) else {
            throw FormatError(description: "\(scenario) step \(index): \(value) is not a number nor a sum like \"$heartbeatMs+500\"")
        }
        return amount
    }

    /// Hex digits (two per byte) as bytes; `nil` if malformed.
    static func bytes(_ hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        for i in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[i...i + 1], as: UTF8.self), radix: 16) else { return nil }
            out.append(byte)
        }
        return out
    }
}

extension Scenario.Step {
    /// Whether the step (or one inside it) has an amount that follows announced values.
    var isScaled: Bool {
        switch self {
        case .advance(let amount), .assume(let amount, _), .expectNothing(_, let amount, _): amount.isScaled
        case .expect(_, _, let within, _, _), .expectClosed(_, _, _, let within): within?.isScaled ?? false
        case .repeating(let count, let steps): count.isScaled || steps.contains(where: \.isScaled)
        case .connect, .disconnect, .send, .sendRaw, .sendPayload, .sendText, .sendCompressed, .sendDeflated, .upgrade: false
        }
    }
}
