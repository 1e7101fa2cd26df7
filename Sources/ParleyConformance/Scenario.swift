import Foundation

/// One wire-level scenario (Spec/scenarios/README.md): scripted client steps and the
/// replies expected, citing the requirements it checks.
public struct Scenario: Sendable {
    /// One step of the script.
    public enum Step: Sendable, Hashable {
        case connect(client: String)
        case disconnect(client: String)
        /// A message in the JSON encoding, `$NAME` references not yet substituted.
        case send(client: String, message: JSONValue)
        case sendRaw(client: String, hex: String)
        case expect(client: String, message: JSONValue)
        case expectNothing(client: String, withinMs: UInt64)
        /// The code, by name or number, if given.
        case expectClosed(client: String, code: JSONValue?)
        case advance(milliseconds: UInt64)
    }

    /// The scenario's id.
    public var id: String
    /// The requirement ids it checks.
    public var requirements: [String]
    /// What it shows.
    public var description: String
    /// The script.
    public var steps: [Step]

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
        var requirements: [String] = []
        if case .array(let list)? = root["requirements"] {
            for case .string(let requirement) in list { requirements.append(requirement) }
        }
        var description = ""
        if case .string(let text)? = root["description"] { description = text }
        let steps = try rawSteps.enumerated().map { index, raw in try step(raw, index: index, scenario: id) }
        return Scenario(id: id, requirements: requirements, description: description, steps: steps)
    }

    private static func step(_ raw: JSONValue, index: Int, scenario: String) throws -> Step {
        guard case .object(let members) = raw else { throw FormatError(description: "\(scenario) step \(index): not an object") }
        if case .uint(let ms)? = members["advance"] { return .advance(milliseconds: ms) }
        guard case .string(let client)? = members["client"] else {
            throw FormatError(description: "\(scenario) step \(index): no 'client'")
        }
        if members["connect"] != nil { return .connect(client: client) }
        if members["disconnect"] != nil { return .disconnect(client: client) }
        if let message = members["send"] { return .send(client: client, message: message) }
        if case .string(let hex)? = members["sendRaw"] { return .sendRaw(client: client, hex: hex) }
        if let message = members["expect"] { return .expect(client: client, message: message) }
        if let nothing = members["expectNothing"] {
            if case .uint(let ms)? = nothing["withinMs"] { return .expectNothing(client: client, withinMs: ms) }
            return .expectNothing(client: client, withinMs: 200)
        }
        if let closed = members["expectClosed"] { return .expectClosed(client: client, code: closed["code"]) }
        throw FormatError(description: "\(scenario) step \(index): unknown step \(raw)")
    }
}
